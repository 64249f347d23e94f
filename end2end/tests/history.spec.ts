import { test, expect } from "../support/fixtures";
import { signIn, signInWithoutScript } from "../support/session";
import { DirectAtlas } from "../support/atlas";
import { IntegrationFormPage } from "../pages/project";

/**
 * History (issues #12, #27): Atlas's integration events per project and across the fleet, with
 * changes made directly against the emulator's API (a service account's bearer calls and an
 * API key's Digest calls, not the dashboard), under both emulator PUT modes; the type and
 * fields of the dashboard's own writes from its journal, "type not stated" for the others;
 * filters in the URL, and the type filter's caveat; no secret in any response.
 */

const OUTSIDE_TOKEN = "xoxb-2222222222-history-outside-abcd";
const DASHBOARD_KEY = "00000000-0000-0000-0000-000000004151";

for (const mode of ["merge", "replace"] as const) {
  test(`history shows changes from the dashboard and from outside (PUT ${mode})`, async ({ page, demo, emulator, request }) => {
    await emulator.putMode(mode);
    const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
    const staging = demo.projects.find((p) => p.name === "Staging")!;
    const bodies: string[] = [];
    page.on("response", async (res) => {
      try {
        bodies.push(`${res.url()}\n${await res.text()}`);
      } catch {
        // Redirects have no body.
      }
    });

    // Outside the dashboard: Slack created in the sandbox, then updated with a PUT; Staging's
    // Opsgenie removed.
    const atlas = await DirectAtlas.asServiceAccount(request, demo);
    const slack = { type: "SLACK", apiToken: OUTSIDE_TOKEN, channelName: "alerts" };
    const path = `/api/atlas/v2/groups/${sandbox.id}/integrations/SLACK`;
    expect((await atlas.call("POST", path, slack)).status).toBe(200);
    // Replace mode wants the whole configuration, so the update sends it all.
    expect((await atlas.call("PUT", path, { ...slack, channelName: "alerts-2" })).status).toBe(200);
    // And with the API key the dashboard signs in with, straight to Atlas: the same principal,
    // but no journal entry, so no type.
    const byKey = DirectAtlas.asApiKey(request, demo);
    expect((await byKey.call("DELETE", `/api/atlas/v2/groups/${staging.id}/integrations/OPS_GENIE`)).status).toBe(204);

    // Through the dashboard: Opsgenie created in the sandbox.
    await signIn(page, demo);
    const form = new IntegrationFormPage(page);
    await form.open(sandbox.id, "OPS_GENIE");
    await form.input("API key").fill(DASHBOARD_KEY);
    await form.submit("Create");
    await expect(page).toHaveURL(/\?saved=OPS_GENIE$/);

    // The project's History link, then its page.
    await page.getByRole("link", { name: "History", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${sandbox.id}/history$`));
    const rows = page.locator("table.history-list tbody tr");
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(0)).toContainText(`${demo.apiKey.publicKey} (API key)`);
    await expect(rows.nth(0)).toContainText("Opsgenie");
    await expect(rows.nth(0)).toContainText("created");
    await expect(rows.nth(0)).toContainText("set: API key");
    await expect(rows.nth(0)).toHaveAttribute("data-journaled", "true");
    // Made outside: who and from where, as Atlas says; the type Atlas does not say.
    await expect(rows.nth(1)).toContainText(`${demo.serviceAccount.clientId} (service account)`);
    await expect(rows.nth(1)).toContainText("from 127.0.0.1");
    await expect(rows.nth(1)).toContainText("integration type not stated by Atlas");
    await expect(rows.nth(1)).toHaveAttribute("data-type", "");
    await expect(rows.nth(2)).toHaveAttribute("data-action", "configured");

    // The fleet: every project, with the removal in Staging; filters in the URL.
    await page.goto("/");
    await page.getByRole("link", { name: "History of every project" }).click();
    await expect(page).toHaveURL(/\/history$/);
    await expect(page.locator("table.history-list tbody tr")).toHaveCount(4);
    await page.getByLabel("Action").selectOption("removed");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/action=removed/);
    const removed = page.locator("table.history-list tbody tr");
    await expect(removed).toHaveCount(1);
    await expect(removed.first()).toContainText("Staging");
    await expect(removed.first()).toContainText("removed");
    await expect(removed.first()).toContainText(`${demo.apiKey.publicKey} (API key)`);
    await expect(removed.first()).toContainText("integration type not stated by Atlas");
    // By type: only the dashboard's own change can be found, and the page says why.
    await page.goto("/history?type=SLACK");
    await expect(page.locator("table.history-list tbody tr")).toHaveCount(0);
    await expect(page.getByRole("note")).toContainText("A filter by type finds only changes made through this dashboard");
    await expect(page.getByLabel("Integration")).toHaveValue("SLACK");
    await page.goto("/history?type=OPS_GENIE");
    await expect(page.locator("table.history-list tbody tr")).toHaveCount(1);

    // No secret, sent from inside or outside, in anything the browser received.
    bodies.push(await page.content());
    for (const secret of [OUTSIDE_TOKEN, DASHBOARD_KEY, demo.apiKey.privateKey, demo.serviceAccount.clientSecret, ...Object.values(demo.secrets)]) {
      for (const text of bodies) expect(text).not.toContain(secret);
    }
  });
}

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the history pages and their filter work", async ({ page, demo, request }) => {
    const staging = demo.projects.find((p) => p.name === "Staging")!;
    const atlas = await DirectAtlas.asServiceAccount(request, demo);
    expect((await atlas.call("DELETE", `/api/atlas/v2/groups/${staging.id}/integrations/OPS_GENIE`)).status).toBe(204);
    await signInWithoutScript(page, demo);

    await page.goto("/history");
    await page.getByLabel("Action").selectOption("configured");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/action=configured/);
    await expect(page.getByText("No integration changes to show.")).toBeVisible();
    await page.getByLabel("Action").selectOption("removed");
    await page.getByRole("button", { name: "Filter" }).click();
    const rows = page.locator("table.history-list tbody tr");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(`${demo.serviceAccount.clientId} (service account)`);
    // A page number that is not one is page 1, not an error.
    await page.goto(`/projects/${staging.id}/history?page=abc`);
    await expect(page.locator("table.history-list tbody tr")).toHaveCount(1);
  });
});
