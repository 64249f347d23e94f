import { test, expect, httpStatus } from "../support/fixtures";
import { signIn } from "../support/session";
import { IntegrationFormPage } from "../pages/project";
import { LoginPage } from "../pages/login";

test("invalid input is caught inline and nothing is sent", async ({ page, demo, emulator }) => {
  const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
  await signIn(page, demo);
  const form = new IntegrationFormPage(page);
  await form.open(sandbox.id, "DATADOG");
  await form.input("API key").fill("not-hex!");
  await form.input("API key").blur();
  await form.input("Region").selectOption("US");
  await expect(form.fieldError("API key")).toContainText("hexadecimal");
  const before = await emulator.counters();
  await form.submit("Create");
  await expect(form.alert).toContainText("nothing was sent");
  expect((await emulator.counters()).total).toBe(before.total);
  expect(await emulator.stored(sandbox.id, "DATADOG")).toBeNull();
});

test("a masked value pasted into a secret is refused", async ({ page, demo, emulator }) => {
  const production = demo.projects.find((p) => p.name === "Production")!;
  await signIn(page, demo);
  const form = new IntegrationFormPage(page);
  await form.open(production.id, "PAGER_DUTY");
  await form.replaceSecret("Service key", "****************************0022");
  await form.submit("Save changes");
  await expect(form.fieldError("Service key")).toContainText("masked");
  expect((await emulator.stored(production.id, "PAGER_DUTY"))?.serviceKey).toBe(demo.secrets.PAGER_DUTY_SERVICE_KEY);
});

test.describe("Atlas errors", () => {
  test.use({ expectedConsoleErrors: httpStatus(409, 500, 429, 502) });

  test("a duplicate create reaches the 409 path and offers to edit", async ({ page, context, demo }) => {
    const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
    await signIn(page, demo);
    const first = new IntegrationFormPage(page);
    await first.open(sandbox.id, "OPS_GENIE");
    const other = await context.newPage();
    const second = new IntegrationFormPage(other);
    await second.open(sandbox.id, "OPS_GENIE");

    await first.input("API key").fill("00000000-0000-0000-0000-00000000aaaa");
    await first.submit("Create");
    await expect(page).toHaveURL(/\?saved=OPS_GENIE$/);

    await second.input("API key").fill("00000000-0000-0000-0000-00000000bbbb");
    await second.submit("Create");
    await expect(second.alert).toContainText("already configured");
    await second.alert.getByRole("link", { name: "Edit the existing one" }).click();
    await expect(other.getByRole("heading", { name: "Edit Opsgenie" })).toBeVisible();
    await other.close();
  });

  test("an injected 500 is shown with Atlas's code", async ({ page, demo, emulator }) => {
    const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
    await signIn(page, demo);
    const form = new IntegrationFormPage(page);
    await form.open(sandbox.id, "VICTOR_OPS");
    await emulator.addFault({ method: "POST", pathPrefix: `/api/atlas/v2/groups/${sandbox.id}/integrations`, status: 500, count: 1 });
    await form.input("API key").fill("0f1e2d3c-4b5a-6978-8796-a5b4c3d29999");
    await form.input("Routing key").fill("ops");
    await form.submit("Create");
    await expect(form.alert).toContainText("500");
  });

  // A 429 applies nothing, so the client resends it after a Retry-After of up to 10 s; a
  // longer wait is the person's to take, and the page says how long.
  test("an injected 429 longer than the client waits says when to retry", async ({ page, demo, emulator }) => {
    const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
    await signIn(page, demo);
    const form = new IntegrationFormPage(page);
    await form.open(sandbox.id, "VICTOR_OPS");
    await emulator.addFault({
      method: "POST",
      pathPrefix: `/api/atlas/v2/groups/${sandbox.id}/integrations`,
      status: 429,
      retryAfterSecs: 40,
      count: 1,
    });
    await form.input("API key").fill("0f1e2d3c-4b5a-6978-8796-a5b4c3d29999");
    await form.input("Routing key").fill("ops");
    await form.submit("Create");
    await expect(form.alert).toContainText("Try again in 40 seconds");
  });

  test("an injected 429 within the client's wait is resent, and the create lands", async ({ page, demo, emulator }) => {
    const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
    await signIn(page, demo);
    const form = new IntegrationFormPage(page);
    await form.open(sandbox.id, "VICTOR_OPS");
    await emulator.addFault({
      method: "POST",
      pathPrefix: `/api/atlas/v2/groups/${sandbox.id}/integrations`,
      status: 429,
      retryAfterSecs: 1,
      count: 1,
    });
    await form.input("API key").fill("0f1e2d3c-4b5a-6978-8796-a5b4c3d29999");
    await form.input("Routing key").fill("ops");
    await form.submit("Create");
    await expect(page).toHaveURL(/\?saved=VICTOR_OPS$/);
    expect(await emulator.stored(sandbox.id, "VICTOR_OPS")).not.toBeNull();
  });

  test("a create whose answer is lost is said to be unconfirmed, and Atlas holds it once", async ({ page, demo, emulator }) => {
    const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
    await signIn(page, demo);
    const form = new IntegrationFormPage(page);
    await form.open(sandbox.id, "VICTOR_OPS");
    await emulator.addFault({
      method: "POST",
      pathPrefix: `/api/atlas/v2/groups/${sandbox.id}/integrations`,
      dropConnection: true,
      count: 1,
    });
    await form.input("API key").fill("0f1e2d3c-4b5a-6978-8796-a5b4c3d29999");
    await form.input("Routing key").fill("ops");
    await form.submit("Create");
    await expect(form.alert).toContainText("did not confirm the change");
    await expect(form.alert).toContainText("Reload the page");
    // The dropped create never reached Atlas's handler, and was not sent again.
    expect(await emulator.stored(sandbox.id, "VICTOR_OPS")).toBeNull();
  });
});

test.describe("session end", () => {
  test.use({ expectedConsoleErrors: httpStatus(401) });

  test("an expired session goes to login and back", async ({ page, context, demo }) => {
    const production = demo.projects.find((p) => p.name === "Production")!;
    await signIn(page, demo);
    const form = new IntegrationFormPage(page);
    await form.open(production.id, "PAGER_DUTY");
    await context.clearCookies();
    await form.input("Region").selectOption("EU");
    await form.submit("Save changes");
    await expect(page).toHaveURL(/\/login\?next=/);
    await new LoginPage(page).signIn("API key", demo.apiKey.publicKey, demo.apiKey.privateKey);
    await expect(page).toHaveURL(new RegExp(`/projects/${production.id}/integrations/PAGER_DUTY$`));
  });
});
