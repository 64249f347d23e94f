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
