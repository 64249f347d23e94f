import { test, expect } from "../support/fixtures";
import { signIn } from "../support/session";
import { ApplyPage, RotatePage } from "../pages/fleet";
import { IntegrationFormPage } from "../pages/project";
import type { Demo } from "../support/emulator";
import type { Page } from "@playwright/test";

const KEY = "11111111-2222-3333-4444-555555550042";
/** Ends like Staging's Opsgenie key (…3311): the same hint, another secret. */
const SANDBOX_KEY = "99999999-2222-3333-4444-555555553311";
const NEW_KEY = "12345678-aaaa-bbbb-cccc-00000000n3w4";
const NEW_WEBHOOK_SECRET = "whsec-rotated-0123456789-n3w5";

/** Every document and server-function answer the browser receives, as text. */
function watchResponses(page: Page): string[] {
  const bodies: string[] = [];
  page.on("response", async (res) => {
    const type = res.headers()["content-type"] ?? "";
    if (!/html|json|text/.test(type)) return;
    try {
      bodies.push(`${res.url()}\n${await res.text()}`);
    } catch {
      // Redirects and aborted responses have no body.
    }
  });
  return bodies;
}

function expectNoSecret(bodies: string[], secrets: string[]) {
  expect(bodies.length).toBeGreaterThan(5);
  for (const secret of secrets) for (const body of bodies) expect(body).not.toContain(secret);
}

const idOf = (demo: Demo, name: string) => demo.projects.find((p) => p.name === name)!.id;
const integrationsPath = (groupId: string) => `/api/atlas/v2/groups/${groupId}/integrations/`;

for (const mode of ["merge", "replace"] as const) {
  test.describe(`PUT ${mode}`, () => {
    test("apply to many: preview, a 429 and a 500 mid-run, the report, retry the failed", async ({ page, demo, emulator }) => {
      await emulator.putMode(mode);
      const bodies = watchResponses(page);
      await signIn(page, demo);
      const id = (name: string) => idOf(demo, name);

      const apply = new ApplyPage(page);
      await apply.open("OPS_GENIE", demo.projects.map((p) => p.id));
      for (const p of demo.projects) await expect(apply.project(p.name)).toBeChecked();
      await apply.input("API key").fill(KEY);
      await apply.input("Region").selectOption("EU");
      const run = await apply.preview();

      // The preview says per project what would happen; nothing is written yet.
      await expect(run.plan(id("Staging"))).toContainText("API key: replaced");
      await expect(run.plan(id("Staging"))).toContainText("Region: US → EU");
      for (const name of ["Production", "Legacy-Monitoring", "Analytics", "Sandbox"]) {
        // A new configuration says what it sets; the key only as "set", never its value.
        await expect(run.plan(id(name))).toHaveText("Create (API key: set, Region: set to EU)");
      }
      await expect(page.getByText("5 of 5 projects would be written.")).toBeVisible();
      expect(await emulator.stored(id("Sandbox"), "OPS_GENIE")).toBeNull();

      // Atlas fails one project's writes with 500 and rate-limits another's once.
      await emulator.addFault({ method: "POST", pathPrefix: integrationsPath(id("Legacy-Monitoring")), status: 500 });
      await emulator.addFault({ method: "POST", pathPrefix: integrationsPath(id("Analytics")), status: 429, retryAfterSecs: 1, count: 1 });
      await run.confirmAndWait();
      await expect(run.status).toContainText("4 done, 1 failed, 0 skipped");
      await expect(run.progress(id("Legacy-Monitoring"))).toContainText("Failed");
      await expect(run.progress(id("Analytics"))).toHaveText("Done: created");
      await expect(run.progress(id("Staging"))).toHaveText("Done: updated");
      expect(await emulator.stored(id("Legacy-Monitoring"), "OPS_GENIE")).toBeNull();

      // Atlas recovers: only the failed project is written again.
      await emulator.clearFaults();
      const posts = (await emulator.counters()).total;
      await run.retryFailedAndWait("5 done, 0 failed, 0 skipped");
      await expect(run.progress(id("Legacy-Monitoring"))).toHaveText("Done: created");
      // The retry reads the project first, then posts once.
      expect((await emulator.counters()).total - posts).toBeLessThanOrEqual(3);
      for (const p of demo.projects) {
        const stored = await emulator.stored(p.id, "OPS_GENIE");
        expect(stored?.apiKey, p.name).toBe(KEY);
        expect(stored?.region, p.name).toBe("EU");
      }
      expectNoSecret(bodies, [KEY, ...Object.values(demo.secrets)]);
    });

    test("rotate a secret everywhere: by a typed hint and by a picked one", async ({ page, demo, emulator }) => {
      await emulator.putMode(mode);
      const bodies = watchResponses(page);
      await signIn(page, demo);
      const id = (name: string) => idOf(demo, name);

      // Sandbox gets an Opsgenie key whose last four are Staging's.
      const form = new IntegrationFormPage(page);
      await form.open(id("Sandbox"), "OPS_GENIE");
      await form.input("API key").fill(SANDBOX_KEY);
      await form.submit("Create");
      await expect(page).toHaveURL(/\?saved=OPS_GENIE$/);

      const rotate = new RotatePage(page);
      await rotate.open();
      await rotate.choose("Opsgenie");
      await expect(rotate.hintGroup("••••3311")).toContainText("2 projects");
      await rotate.typeHint(/Last four characters/, "3311");
      await expect(rotate.form.getByRole("checkbox")).toHaveCount(2);
      await expect(rotate.project("Staging")).toBeChecked();
      await expect(rotate.project("Sandbox")).toBeChecked();
      await rotate.newValue().fill(NEW_KEY);
      let run = await rotate.preview();
      await expect(page.getByRole("heading", { name: "Rotate Opsgenie API key" })).toBeVisible();
      await expect(run.plan(id("Staging"))).toHaveText("Update (API key: replaced)");
      await expect(run.plan(id("Sandbox"))).toHaveText("Update (API key: replaced)");
      await run.confirmAndWait();
      await expect(run.status).toContainText("2 done, 0 failed, 0 skipped");
      for (const name of ["Staging", "Sandbox"]) {
        expect((await emulator.stored(id(name), "OPS_GENIE"))?.apiKey, name).toBe(NEW_KEY);
      }

      // The webhook secret, its hint picked from the list. A replacing PUT needs the URL
      // too: typed once under "Other secrets"; a merging one keeps it untyped.
      await rotate.open();
      await rotate.choose("Webhook", "Secret");
      await rotate.pickHint("••••2101");
      await expect(rotate.project("Production")).toBeChecked();
      await rotate.newValue().fill(NEW_WEBHOOK_SECRET);
      if (mode === "replace") await rotate.otherSecret("URL", demo.secrets.WEBHOOK_URL);
      run = await rotate.preview();
      await run.confirmAndWait();
      await expect(run.status).toContainText("1 done, 0 failed, 0 skipped");
      const webhook = await emulator.stored(id("Production"), "WEBHOOK");
      expect(webhook?.secret).toBe(NEW_WEBHOOK_SECRET);
      expect(webhook?.url).toBe(demo.secrets.WEBHOOK_URL);

      expectNoSecret(bodies, [NEW_KEY, SANDBOX_KEY, NEW_WEBHOOK_SECRET, ...Object.values(demo.secrets)]);
    });
  });
}

test("rotate without a match, or with a bad hint, offers nothing to send", async ({ page, demo, emulator }) => {
  await signIn(page, demo);
  const rotate = new RotatePage(page);
  await rotate.open();
  await rotate.choose("Webhook", "URL");
  await expect(rotate.hintGroup("hooks.example.com")).toContainText("1 project");
  const before = (await emulator.counters()).total;
  await rotate.typeHint(/Host of the current URL/, "nowhere.example");
  await expect(page.getByText("No project shows this.")).toBeVisible();
  await expect(rotate.form).toHaveCount(0);
  await rotate.typeHint(/Host of the current URL/, "hooks.example.com/path");
  await expect(page.getByRole("alert")).toContainText("type the URL's host");
  await expect(rotate.form).toHaveCount(0);
  // Only reads reached Atlas.
  const counters = await emulator.counters();
  const writes = Object.entries(counters.byRoute).filter(([route]) => /^(POST|PUT|DELETE) .*integrations/.test(route));
  expect(writes.reduce((n, [, c]) => n + c, 0)).toBe(0);
  expect(counters.total).toBeGreaterThan(before);
});

test("filtering the projects by name keeps what is ticked and typed", async ({ page, demo }) => {
  await signIn(page, demo);
  const apply = new ApplyPage(page);
  await apply.open("OPS_GENIE", []);
  await apply.project("Staging").check();
  await apply.input("API key").fill(KEY);
  await apply.input("Region").selectOption("EU");

  const filter = page.getByRole("searchbox", { name: "Filter by name" });
  await filter.fill("prod");
  await page.getByRole("button", { name: "Filter", exact: true }).click();
  await expect(apply.project("Production")).toBeVisible();
  await expect(apply.project("Sandbox")).toBeHidden();
  // What was ticked stays ticked and in view; what was typed stays typed.
  await expect(apply.project("Staging")).toBeVisible();
  await expect(apply.project("Staging")).toBeChecked();
  await expect(apply.input("API key")).toHaveValue(KEY);
  await expect(apply.input("Region")).toHaveValue("EU");

  await apply.project("Production").check();
  await filter.fill("");
  await expect(apply.project("Sandbox")).toBeVisible();
  const run = await apply.preview();
  await expect(page.getByText("2 of 2 projects would be written.")).toBeVisible();
  await expect(run.plan(idOf(demo, "Production"))).toHaveText("Create (API key: set, Region: set to EU)");
  // In name order, as every list of projects.
  await expect(page.locator("table.fleet-run tbody th")).toHaveText(["Production", "Staging"]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  test("the name filter is a plain form; projects ticked on arrival stay in view", async ({ page, demo }) => {
    await page.goto("/login");
    const login = page.getByRole("form", { name: "API key" });
    await login.getByLabel("Public key").fill(demo.apiKey.publicKey);
    await login.getByLabel("Private key").fill(demo.apiKey.privateKey);
    await login.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
    await page.goto(`/fleet/apply?type=OPS_GENIE&projects=${idOf(demo, "Staging")}`);
    await page.getByRole("searchbox", { name: "Filter by name" }).fill("prod");
    await page.getByRole("button", { name: "Filter", exact: true }).click();
    await expect(page).toHaveURL(/[?&]q=prod/);
    const apply = new ApplyPage(page);
    await expect(apply.project("Production")).toBeVisible();
    await expect(apply.project("Sandbox")).toBeHidden();
    await expect(apply.project("Staging")).toBeVisible();
    await expect(apply.project("Staging")).toBeChecked();
  });
});

test("a running run can be cancelled from its page: what was sent stays, the rest is not sent", async ({ page, demo, emulator }) => {
  await signIn(page, demo);
  const apply = new ApplyPage(page);
  await apply.open("OPS_GENIE", demo.projects.map((p) => p.id));
  await apply.input("API key").fill(KEY);
  await apply.input("Region").selectOption("EU");
  const run = await apply.preview();
  // Slow writes: the run is still going when the button is pressed.
  await emulator.addFault({ method: "POST", latencyMs: 1500 });
  await emulator.addFault({ method: "PUT", latencyMs: 1500 });
  await page.getByRole("button", { name: "Confirm and send" }).click();
  await expect(page.getByRole("note").filter({ hasText: "Signing out stops this run" })).toBeVisible();
  await page.getByRole("button", { name: "Cancel the run" }).click();
  await expect(run.status).toContainText("Stopped.", { timeout: 30_000 });
  await expect(page.getByRole("button", { name: "Cancel the run" })).toHaveCount(0);
  const notSent = page.locator("table.fleet-run td.progress", { hasText: "Not sent: cancelled" });
  expect(await notSent.count()).toBeGreaterThan(0);
  // Atlas holds exactly the projects the report says were written.
  const written = await page.locator("table.fleet-run td.progress", { hasText: /^Done/ }).count();
  let stored = 0;
  for (const p of demo.projects) {
    const held = await emulator.stored(p.id, "OPS_GENIE");
    if (held && held.region === "EU") stored += 1;
  }
  expect(stored).toBe(written);
  expect(written + (await notSent.count())).toBe(5);
  await emulator.clearFaults();
});
