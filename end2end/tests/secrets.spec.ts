import { test, expect } from "../support/fixtures";
import { signIn } from "../support/session";
import { IntegrationFormPage, ProjectPage } from "../pages/project";

test("no credential or unmasked secret reaches the browser", async ({ page, demo }) => {
  const bodies: string[] = [];
  page.on("response", async (res) => {
    try {
      bodies.push(`${res.url()}\n${JSON.stringify(await res.allHeaders())}\n${await res.text()}`);
    } catch {
      // Redirects and aborted responses have no body.
    }
  });
  await signIn(page, demo);
  const html: string[] = [await page.content()];
  const project = new ProjectPage(page);
  const form = new IntegrationFormPage(page);
  for (const p of demo.projects) {
    await project.open(p.id);
    html.push(await page.content());
  }
  const production = demo.projects.find((p) => p.name === "Production")!;
  for (const type of ["PAGER_DUTY", "DATADOG", "WEBHOOK"]) {
    await form.open(production.id, type);
    html.push(await page.content());
  }
  // Nothing the browser received, document or server-function answer, holds a secret.
  const secrets = [demo.apiKey.privateKey, demo.serviceAccount.clientSecret, ...Object.values(demo.secrets)];
  for (const secret of secrets) {
    for (const text of [...html, ...bodies]) expect(text).not.toContain(secret);
  }
  expect(bodies.length).toBeGreaterThan(5);
});

test("Generate makes a random password, and refuses when the browser has no secure random source", async ({
  page,
  demo,
}) => {
  const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
  await signIn(page, demo);
  const form = new IntegrationFormPage(page);
  await form.open(sandbox.id, "PROMETHEUS");
  const password = form.input("Password");
  const generate = form.form.getByRole("button", { name: "Generate" });

  await generate.click();
  const first = await password.inputValue();
  expect(first).toMatch(/^[A-Za-z0-9]{24}$/);
  await generate.click();
  expect(await password.inputValue()).not.toBe(first);
  const refusal = form.field("Password").getByRole("alert");
  await expect(refusal).toHaveCount(0);

  // The CSPRNG fails (a browser without it, or one that throws): no password at all, never a
  // predictable one, and the person is told to type one.
  await password.fill("");
  await page.evaluate(() => {
    Object.defineProperty(Crypto.prototype, "getRandomValues", {
      configurable: true,
      value: () => {
        throw new Error("no secure random source");
      },
    });
  });
  await generate.click();
  await expect(refusal).toHaveText(
    "This browser offers no secure random source, so no password was generated: type one instead.",
  );
  await expect(password).toHaveValue("");
});
