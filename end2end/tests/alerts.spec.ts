import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { test, expect } from "../support/fixtures";
import type { Demo } from "../support/emulator";

/**
 * Which alerts use an integration (issue #29), over the emulator's demo alerts: on the
 * project page's cards and in the delete confirmation, located by role and label, in English
 * and in Japanese (the sentences read from the locales the server is built from).
 */

type Messages = { alerts: Record<string, string> } & Record<string, unknown>;
const read = (tag: string): Messages =>
  JSON.parse(readFileSync(path.join(__dirname, "..", "..", "locales", `${tag}.json`), "utf8"));
const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name) => values[name]);

/** English and one other language, as the issue asks. */
const LANGUAGES = [
  { tag: "en", locale: "en-GB" },
  { tag: "ja", locale: "ja-JP" },
] as const;

/** Signs in with the demo API key through the login page, in the page's language. */
async function signIn(page: Page, demo: Demo, m: Messages) {
  await page.goto("/login");
  const form = page.getByRole("form", { name: m.api_key_title as string });
  await form.getByLabel(m.public_key as string, { exact: true }).fill(demo.apiKey.publicKey);
  await form.getByLabel(m.private_key as string, { exact: true }).fill(demo.apiKey.privateKey);
  await form.getByRole("button", { name: m.sign_in as string }).click();
  await expect(page.getByRole("heading", { name: m.projects as string, level: 1 })).toBeVisible();
}

for (const lang of LANGUAGES) {
  test.describe(lang.tag, () => {
    const all = read(lang.tag);
    const m = all.alerts;
    test.use({ locale: lang.locale });

    test("a card names the alerts that use its integration and those with their own key", async ({ page, demo }) => {
      const production = demo.projects.find((p) => p.name === "Production")!;
      await signIn(page, demo, all);
      await page.goto(`/projects/${production.id}`);
      const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "PagerDuty" }) });
      await card.getByText(m.used_by_one, { exact: true }).click();
      const using = card.getByRole("list", { name: fill(m.list_label, { kind: "PagerDuty" }) }).first();
      await expect(using.getByRole("link", { name: "NO_PRIMARY" })).toHaveAttribute("href", /#\/alerts\/settings$/);

      await card.getByText(fill(m.own_key_many, { count: "2" }), { exact: true }).click();
      const own = card.getByRole("list", { name: fill(m.list_label, { kind: "PagerDuty" }) }).nth(1);
      await expect(own.getByRole("listitem")).toHaveCount(2);
      await expect(own.getByRole("listitem").first()).toContainText(m.same_key);
      await expect(own.getByRole("listitem").nth(1)).toContainText("CLUSTER_MONGOS_IS_MISSING");
      await expect(own.getByRole("listitem").nth(1)).toContainText(m.other_key);

      const webhook = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Webhook" }) });
      await expect(webhook.getByText(m.used_by_none, { exact: true })).toBeVisible();
      // No alert can send through Prometheus: its card says nothing of alerts.
      const prometheus = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Prometheus" }) });
      await expect(prometheus.locator(".used-by")).toHaveCount(0);
    });

    test("the delete confirmation lists the alerts and says what is not known; afterwards they are named apart", async ({ page, demo, emulator }) => {
      const staging = demo.projects.find((p) => p.name === "Staging")!;
      await signIn(page, demo, all);
      await page.goto(`/projects/${staging.id}/integrations/SLACK/delete`);
      const note = page.getByRole("note");
      await expect(note).toContainText(m.used_by_one);
      await expect(note).toContainText(m.delete_using);
      await expect(
        note.getByRole("list", { name: fill(m.list_label, { kind: "Slack" }) }).getByRole("link", { name: "NO_PRIMARY" }),
      ).toBeVisible();
      await page.locator("form.confirm").getByRole("button").first().click();
      await expect(page).toHaveURL(/\?deleted=SLACK$/);
      expect(await emulator.stored(staging.id, "SLACK")).toBeNull();
      // The alert still names the deleted integration (the emulator's choice; Atlas's is not
      // documented), and the card says so.
      const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: /^Slack/ }) });
      await expect(card.getByText(m.elsewhere_one, { exact: true })).toBeVisible();
    });
  });
}

/**
 * A rotation's alerts that keep the old secret (issue #29): listed on the rotate page once the
 * hint is chosen, then switched to the project's integration on their own previewed page;
 * the report names each alert's outcome and the emulator holds the switched alert.
 */
for (const lang of LANGUAGES) {
  test.describe(`${lang.tag} rotation`, () => {
    const all = read(lang.tag);
    const m = all.alerts;
    test.use({ locale: lang.locale });

    test("the rotation lists alerts with their own copy of the old key and switches them", async ({ page, demo, emulator }) => {
      const production = demo.projects.find((p) => p.name === "Production")!;
      await signIn(page, demo, all);
      await page.goto("/fleet/rotate?type=PAGER_DUTY&field=serviceKey&hint=0022");
      const section = page.getByRole("region", { name: m.old_key_title });
      await expect(section).toContainText(m.old_key_intro);
      const row = section.getByRole("row").filter({ has: page.getByRole("link", { name: "Production", exact: true }) });
      await expect(row).toContainText("REPLICATION_OPLOG_WINDOW_RUNNING_OUT");
      // The alert that carries another key (CLUSTER_MONGOS_IS_MISSING) is not the old secret's.
      await expect(section).not.toContainText("CLUSTER_MONGOS_IS_MISSING");

      await section.getByRole("link", { name: m.switch_link }).click();
      await expect(page.getByRole("heading", { name: m.switch_title, level: 1 })).toBeVisible();
      const tick = page.getByRole("checkbox", { name: /REPLICATION_OPLOG_WINDOW_RUNNING_OUT/ });
      await expect(tick).toBeChecked();
      await page.getByRole("button", { name: m.switch_button }).click();

      await expect(page).toHaveURL(/done=[0-9a-f]{24}\.[0-9a-f]{24}\.switched\./);
      const [, alertId] = /done=[0-9a-f]{24}\.([0-9a-f]{24})\./.exec(page.url())!;
      const report = page.getByRole("region", { name: m.report_title });
      const outcome = report.getByRole("row").filter({ hasText: "REPLICATION_OPLOG_WINDOW_RUNNING_OUT" });
      await expect(outcome).toContainText(m.outcome_switched);
      await expect(outcome.getByRole("link", { name: "Production", exact: true })).toBeVisible();
      // Nothing is left on the old key, on this page and in Atlas.
      await expect(page.getByRole("status").filter({ hasText: m.old_key_none })).toBeVisible();
      const oplog = await emulator.alertConfig(production.id, alertId);
      expect(oplog.eventTypeName).toBe("REPLICATION_OPLOG_WINDOW_RUNNING_OUT");
      const pagerDuty = oplog.notifications.find((n) => n.typeName === "PAGER_DUTY")!;
      expect(pagerDuty.integrationId).toMatch(/^[0-9a-f]{24}$/);
      expect(pagerDuty.serviceKey).toBeUndefined();
    });
  });
}

/**
 * Fleet advisories (issue #29): the page names each advisory with its source and the demo
 * projects it concerns, and "Show them in the matrix" leads to the matrix filtered to them,
 * each cell counting its alerts.
 */
for (const lang of LANGUAGES) {
  test.describe(`${lang.tag} advisories`, () => {
    const all = read(lang.tag);
    const v = all.advisories as unknown as Record<string, string>;
    test.use({ locale: lang.locale });

    test("the advisories page names what needs attention and leads to the matrix filtered to it", async ({ page, demo }) => {
      await signIn(page, demo, all);
      await page.goto("/fleet");
      await page.getByRole("link", { name: v.link }).click();
      await expect(page.getByRole("heading", { name: v.title, level: 1 })).toBeVisible();

      const card = (title: string) =>
        page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: title, level: 2 }) });
      const opsgenie = card(v.opsgenie_title);
      await expect(opsgenie).toContainText(v.opsgenie_body);
      await expect(opsgenie.getByRole("link", { name: "support.atlassian.com" })).toHaveAttribute(
        "href",
        /^https:\/\/support\.atlassian\.com\//,
      );
      await expect(opsgenie.getByRole("list").getByRole("link")).toHaveText(["Staging"]);
      await expect(card(v.hipchat_title)).toContainText(v.none);
      await expect(card(v.teams_connector_title).getByRole("list").getByRole("link")).toHaveText(["Analytics"]);

      const unused = card(v.unused_title);
      await expect(unused.getByRole("list").getByRole("link")).toHaveText(["Production", "Staging"]);
      await unused.getByRole("link", { name: v.show }).click();
      await expect(page).toHaveURL(/\/fleet\?advice=unused$/);
      const rows = page.locator("table.matrix tbody tr[data-id]");
      await expect(rows).toHaveCount(2);
      await expect(rows.first().getByRole("rowheader")).toContainText("Production");
      const webhook = rows.first().locator('td[data-type="WEBHOOK"]');
      await expect(webhook.locator(".alert-count")).toHaveText(all.alerts.cell_none);
      await expect(page.getByLabel(all.filter_advice as string)).toHaveValue("unused");
    });
  });
}
