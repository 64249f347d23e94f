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

/** Signs in with the demo API key through the login page, in the page's language. */
async function signIn(page: Page, demo: Demo, m: Messages) {
  await page.goto("/login");
  const form = page.getByRole("form", { name: m.api_key_title as string });
  await form.getByLabel(m.public_key as string, { exact: true }).fill(demo.apiKey.publicKey);
  await form.getByLabel(m.private_key as string, { exact: true }).fill(demo.apiKey.privateKey);
  await form.getByRole("button", { name: m.sign_in as string }).click();
  await expect(page.getByRole("heading", { name: m.projects as string, level: 1 })).toBeVisible();
}

for (const lang of [
  { tag: "en", locale: "en-GB" },
  { tag: "ja", locale: "ja-JP" },
]) {
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
