import { test, expect, httpStatus } from "../support/fixtures";
import { signIn } from "../support/session";
import { IntegrationFormPage, ProjectPage } from "../pages/project";

/**
 * Writes Atlas allows and the dashboard once blocked (issue #10): removing a set optional
 * field under both emulator PUT modes (checked in what the emulator stored), Slack with a
 * legacy token behind its warning, New Relic behind its retirement note, Splunk On-Call
 * without a routing key, and no credentials inside a URL.
 */

for (const mode of ["merge", "replace"] as const) {
  test.describe(`PUT ${mode}`, () => {
    // In replace mode Atlas wants the required secrets again (400) on purpose.
    test.use({ expectedConsoleErrors: mode === "replace" ? httpStatus(400) : null });

    test("a set optional field can be removed, distinct from leaving it unchanged", async ({ page, demo, emulator }) => {
      await emulator.putMode(mode);
      const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
      await signIn(page, demo);
      const form = new IntegrationFormPage(page);

      // Slack, with a legacy token, channel and team.
      await form.open(sandbox.id, "SLACK");
      await expect(page.getByRole("note")).toContainText("legacy bot token");
      await expect(page.getByRole("link", { name: "Open the project's integrations in Atlas" })).toBeVisible();
      await form.input("API token").fill("xoxb-1111111111-legacy-token-abcd");
      await form.input("Channel").fill("alerts");
      await form.input("Team").fill("Ops");
      await form.submit("Create");
      await expect(page).toHaveURL(new RegExp(`\\?saved=SLACK$`));
      expect(await emulator.stored(sandbox.id, "SLACK")).toMatchObject({ teamName: "Ops", apiToken: "xoxb-1111111111-legacy-token-abcd" });

      // Nothing ticked: the team stays.
      await form.open(sandbox.id, "SLACK");
      await form.input("Channel").fill("alerts-2");
      if (mode === "replace") await form.replaceSecret("API token", "xoxb-1111111111-legacy-token-abcd");
      await form.submit("Save changes");
      await expect(page).toHaveURL(new RegExp(`\\?saved=SLACK$`));
      expect(await emulator.stored(sandbox.id, "SLACK")).toMatchObject({ teamName: "Ops", channelName: "alerts-2" });

      // "Remove" ticked: the team is gone, the token kept (merge) or given again (replace).
      await form.open(sandbox.id, "SLACK");
      await form.field("Team").getByRole("checkbox", { name: /Remove/ }).check();
      if (mode === "replace") {
        await form.submit("Save changes");
        await expect(form.alert).toContainText("must be entered again");
        await form.replaceSecret("API token", "xoxb-1111111111-legacy-token-abcd");
      }
      await form.submit("Save changes");
      await expect(page).toHaveURL(new RegExp(`\\?saved=SLACK$`));
      const slack = await emulator.stored(sandbox.id, "SLACK");
      expect(slack).not.toHaveProperty("teamName");
      expect(slack).toMatchObject({ apiToken: "xoxb-1111111111-legacy-token-abcd", channelName: "alerts-2" });

      // The webhook's optional secret and body template, removed; the URL stays.
      await form.open(sandbox.id, "WEBHOOK");
      await form.input("URL").fill("https://hooks.example.com/remove/4242");
      await form.input("Secret").fill("whsec-to-be-removed-0001");
      await form.input("Body template").fill('{"alert": "${eventType}"}');
      await form.submit("Create");
      await expect(page).toHaveURL(new RegExp(`\\?saved=WEBHOOK$`));
      await form.open(sandbox.id, "WEBHOOK");
      await form.field("Secret").getByRole("checkbox", { name: /Remove/ }).check();
      await form.field("Body template").getByRole("checkbox", { name: /Remove/ }).check();
      if (mode === "replace") {
        await form.submit("Save changes");
        await expect(form.alert).toContainText("must be entered again");
        await form.replaceSecret("URL", "https://hooks.example.com/remove/4242");
      }
      await form.submit("Save changes");
      await expect(page).toHaveURL(new RegExp(`\\?saved=WEBHOOK$`));
      const hook = await emulator.stored(sandbox.id, "WEBHOOK");
      expect(hook).toMatchObject({ url: "https://hooks.example.com/remove/4242" });
      expect(hook?.secret ?? null).toBeNull();
      expect(hook?.bodyTemplate ?? null).toBeNull();
    });
  });
}

test("New Relic can be created behind its retirement note, its keys never shown whole", async ({ page, demo, emulator }) => {
  const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
  await signIn(page, demo);
  const form = new IntegrationFormPage(page);
  await form.open(sandbox.id, "NEW_RELIC");
  await expect(page.getByRole("note")).toContainText("retired this plugin-based integration");
  const keys = {
    "Account ID": "0123456789abcdef0123456789abcdef01234567",
    "License key": "89abcdef0123456789abcdef0123456789ab1111",
    "Insights query key": "query-key-2222",
    "Insights insert key": "insert-key-3333",
  };
  for (const [label, value] of Object.entries(keys)) await form.input(label).fill(value);
  await form.submit("Create");
  await expect(page).toHaveURL(new RegExp(`\\?saved=NEW_RELIC$`));
  const card = new ProjectPage(page).card("NEW_RELIC");
  await expect(card).toContainText("••••1111");
  const html = await page.content();
  for (const secret of ["89abcdef0123456789abcdef0123456789ab1111", "query-key-2222", "insert-key-3333"]) {
    expect(html).not.toContain(secret);
  }
  expect(await emulator.stored(sandbox.id, "NEW_RELIC")).toMatchObject({ licenseKey: keys["License key"] });
});

test("Splunk On-Call needs no routing key, as in Atlas's spec", async ({ page, demo, emulator }) => {
  const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
  await signIn(page, demo);
  const form = new IntegrationFormPage(page);
  await form.open(sandbox.id, "VICTOR_OPS");
  await form.input("API key").fill("0f1e2d3c-4b5a-6978-8796-a5b4c3d29999");
  await form.submit("Create");
  await expect(page).toHaveURL(new RegExp(`\\?saved=VICTOR_OPS$`));
  const stored = await emulator.stored(sandbox.id, "VICTOR_OPS");
  expect(stored?.routingKey ?? null).toBeNull();
});

test("a URL with credentials in it is refused before anything is sent", async ({ page, demo, emulator }) => {
  const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
  await signIn(page, demo);
  const form = new IntegrationFormPage(page);
  await form.open(sandbox.id, "WEBHOOK");
  await form.input("URL").fill("https://user:hunter2@hooks.example.com/x");
  const before = await emulator.counters();
  await form.submit("Create");
  await expect(form.fieldError("URL")).toContainText("user name and password");
  expect((await emulator.counters()).total).toBe(before.total);
});

test("the Slack card offers the Atlas UI first and a legacy token second", async ({ page, demo }) => {
  const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
  await signIn(page, demo);
  const project = new ProjectPage(page);
  await project.open(sandbox.id);
  const card = project.card("SLACK");
  await expect(card.getByRole("link", { name: "Open the project's integrations in Atlas" })).toHaveAttribute(
    "href",
    new RegExp(`/v2/${sandbox.id}#/settings/integrations$`),
  );
  await card.getByRole("link", { name: "Configure" }).click();
  await expect(page.getByRole("note")).toContainText("legacy bot token");
  await expect(new IntegrationFormPage(page).input("API token")).toBeVisible();
});

test("a template longer than Atlas's rendered limit is warned about, not refused", async ({ page, demo, emulator }) => {
  const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
  await signIn(page, demo);
  const form = new IntegrationFormPage(page);
  await form.open(sandbox.id, "WEBHOOK");
  await form.input("URL").fill("https://hooks.example.com/long/5151");
  const body = `{"pad": "${"x".repeat(17 * 1024)}"}`;
  await form.input("Body template").fill(body);
  await expect(form.field("Body template").getByRole("status")).toContainText("longer than the 16 KB");
  await form.submit("Create");
  await expect(page).toHaveURL(new RegExp(`\\?saved=WEBHOOK$`));
  expect((await emulator.stored(sandbox.id, "WEBHOOK"))?.bodyTemplate).toBe(body);
});
