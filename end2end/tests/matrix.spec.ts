import type { Page } from "@playwright/test";
import { test, expect, waitForHydration } from "../support/fixtures";
import { signIn } from "../support/session";
import { HOOK_HEADERS } from "../support/env";
import { startSecondServer, type Server } from "../support/second-server";

// The fleet matrix (/fleet): one row per project, one column per integration type.

const rows = (page: Page) => page.locator("table.matrix tbody tr");
const row = (page: Page, id: string) => page.locator(`table.matrix tbody tr[data-id="${id}"]`);
const progress = (page: Page) => page.locator("p.count");

/** Every response body the page receives from the dashboard: the HTML and server functions. */
function recordBodies(page: Page): string[] {
  const bodies: string[] = [];
  page.on("response", async (res) => {
    const type = res.request().resourceType();
    if (type === "document" || res.url().includes("/api/")) {
      try {
        bodies.push(await res.text());
      } catch {
        // A redirect has no body.
      }
    }
  });
  return bodies;
}

test.describe("over the demo projects", () => {
  test("every project, sorted by name, with masked hints, counts and links", async ({ page, demo }) => {
    await signIn(page, demo);
    await page.getByRole("link", { name: "Fleet matrix" }).first().click();
    await expect(page).toHaveURL(/\/fleet$/);
    await waitForHydration(page);
    await expect(progress(page)).toContainText("Loaded 5 of 5 projects");
    await expect(rows(page).locator("th a")).toHaveText(["Analytics", "Legacy-Monitoring", "Production", "Sandbox", "Staging"]);
    const production = demo.projects.find((p) => p.name === "Production")!;
    const pagerDuty = row(page, production.id).locator('td[data-type="PAGER_DUTY"]');
    await expect(pagerDuty).toContainText("••••0022");
    await expect(pagerDuty).toContainText("EU");
    await expect(page.locator('td.column-count[data-type="PAGER_DUTY"]')).toHaveText("1");
    await expect(page.locator('td.column-count[data-type="HIP_CHAT"]')).toHaveText("0");
    const staging = demo.projects.find((p) => p.name === "Staging")!;
    await expect(row(page, staging.id).locator('td[data-type="SLACK"]')).toContainText("legacy token");
    await pagerDuty.getByRole("link").click();
    await expect(page).toHaveURL(new RegExp(`/projects/${production.id}/integrations/PAGER_DUTY$`));
  });

  test("once every project is loaded, the page-at-a-time note and links are gone", async ({ page, demo }) => {
    await signIn(page, demo);
    await page.goto("/fleet");
    await waitForHydration(page);
    await expect(progress(page)).toContainText("Loaded 5 of 5 projects");
    // `hidden` set by the island must win over the pager's own display (it did not).
    await expect(page.getByText("Without JavaScript the matrix shows one page at a time.")).toBeHidden();
    await expect(page.getByRole("navigation", { name: "Pages" })).toBeHidden();
  });

  test("all ten columns fit a 1280-pixel window, whole names; on a phone it scrolls, names in view", async ({ page, demo }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await signIn(page, demo);
    await page.goto("/fleet");
    await waitForHydration(page);
    await expect(progress(page)).toContainText("Loaded 5 of 5 projects");
    const box = page.locator(".matrix-scroll");
    const fits = () => box.evaluate((el) => el.scrollWidth <= el.clientWidth);
    expect(await fits(), "nothing to scroll sideways").toBe(true);
    // No column's name is cut: each header's text fits its cell.
    const cut = () =>
      page.locator("table.matrix thead th").evaluateAll((ths) =>
        ths.filter((th) => th.scrollWidth > th.clientWidth).map((th) => th.textContent),
      );
    expect(await cut()).toEqual([]);
    // Every row's cells line up under their column's header.
    const lefts = await page.locator("table.matrix tr").evaluateAll((trs) =>
      trs.map((tr) => [...tr.children].map((c) => Math.round(c.getBoundingClientRect().left)).join(",")),
    );
    expect(new Set(lefts).size, lefts.join(" / ")).toBe(1);

    await page.setViewportSize({ width: 390, height: 800 });
    expect(await fits(), "the box scrolls sideways").toBe(false);
    expect(await cut(), "at the columns' least width too").toEqual([]);
    const name = rows(page).first().locator("th");
    const before = await name.boundingBox();
    await box.evaluate((el) => el.scrollBy(300, 0));
    await expect.poll(() => box.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    expect((await name.boundingBox())!.x, "the project's name stays where it was").toBe(before!.x);
  });

  test("filters live in the URL; unknown values are ignored with a notice", async ({ page, demo }) => {
    await signIn(page, demo);
    await page.goto("/fleet");
    const form = page.getByRole("search");
    await form.getByLabel("Has").selectOption("PAGER_DUTY");
    await form.getByRole("button", { name: "Filter" }).click();
    // The form sends its ticked column boxes too: all ten, as by default. (No advisory chosen;
    // the alert count's box, unticked, sends nothing.)
    await expect(page).toHaveURL(/\/fleet\?q=&has=PAGER_DUTY&lacks=&region=&advice=(&cols=[A-Z_]+){10}$/);
    await waitForHydration(page);
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).locator("th a")).toHaveText(["Production"]);

    // A shared link: lacks a type, and a name.
    await page.goto("/fleet?lacks=WEBHOOK&q=s");
    await waitForHydration(page);
    await expect(progress(page)).toContainText("Loaded 3 of 3 projects; 3 shown");
    await expect(rows(page).locator("th a")).toHaveText(["Analytics", "Sandbox", "Staging"]);
    await expect(page.getByRole("search").getByLabel("Lacks")).toHaveValue("WEBHOOK");

    await page.goto("/fleet?region=EU");
    await waitForHydration(page);
    await expect(rows(page).locator("th a")).toContainText(["Production"]);

    await page.goto("/fleet?has=NOPE&page=zero");
    await waitForHydration(page);
    await expect(page.getByText('Ignored the filter "has"')).toBeVisible();
    await expect(rows(page)).toHaveCount(5);
  });

  test("the columns shown are chosen in the form and kept in the URL, pages and reloads", async ({ page, demo }) => {
    await signIn(page, demo);
    await page.goto("/fleet");
    await waitForHydration(page);
    const header = (name: string) => page.locator("table.matrix thead").getByRole("columnheader", { name, exact: true });
    await expect(header("Datadog")).toBeVisible();
    await page.getByText("Columns", { exact: true }).click();
    const columns = page.getByRole("group", { name: "Show these types' columns" });
    for (const name of ["PagerDuty", "Slack", "New Relic", "Opsgenie", "Splunk On-Call (VictorOps)", "Webhook", "HipChat", "Prometheus", "Microsoft Teams"]) {
      await columns.getByLabel(name, { exact: true }).uncheck();
    }
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/[?&]cols=DATADOG(&|$)/);
    await waitForHydration(page);
    await expect(header("Datadog")).toBeVisible();
    await expect(header("Slack")).toBeHidden();
    // Every loaded row shows the one column: the project's name and Datadog's cell.
    const first = rows(page).first();
    await expect(first.locator("td[data-type]:visible")).toHaveCount(1);
    await expect(first.locator('td[data-type="DATADOG"]')).toBeVisible();
    // The choice is the form's on arrival, and a reload keeps it.
    await page.reload();
    await expect(header("Slack")).toBeHidden();
    await expect(page.getByRole("group", { name: "Show these types' columns" }).getByLabel("Slack", { exact: true })).not.toBeChecked();
  });

  test("no secret in the HTML or in the server functions' answers", async ({ page, demo }) => {
    const bodies = recordBodies(page);
    await signIn(page, demo);
    await page.goto("/fleet");
    await waitForHydration(page);
    await expect(progress(page)).toContainText("Loaded 5 of 5");
    // The island's own call, as it makes it for the rest of a fleet: every demo project.
    const ids = demo.projects.map((p) => p.id);
    const answer = await page.evaluate(async (ids) => {
      const form = new URLSearchParams();
      ids.forEach((id, i) => form.append(`ids[${i}]`, id));
      const res = await fetch("/api/fleet/rows", { method: "POST", body: form, headers: { accept: "application/json" } });
      return { status: res.status, text: await res.text() };
    }, ids);
    expect(answer.status).toBe(200);
    bodies.push(answer.text);
    expect(answer.text).toContain("••••0022");
    const all = bodies.join("\n");
    expect(all).toContain("Production");
    for (const secret of [demo.apiKey.privateKey, ...Object.values(demo.secrets)]) {
      expect(all.includes(secret), `a response holds a secret of ${secret.length} chars`).toBe(false);
    }
  });

  test("a failed row says why and is retried on its own", async ({ page, demo, emulator }) => {
    const staging = demo.projects.find((p) => p.name === "Staging")!;
    await signIn(page, demo);
    await emulator.addFault({ method: "GET", pathPrefix: `/api/atlas/v2/groups/${staging.id}/integrations`, status: 500 });
    await page.goto("/fleet");
    await waitForHydration(page);
    const failed = row(page, staging.id);
    await expect(failed.getByRole("alert")).toContainText("Atlas answered 500");
    await expect(rows(page)).toHaveCount(5);
    await emulator.clearFaults();
    // Lookups answered, not requests: the server's cached Digest nonce may expire (30 s) just
    // then, and the 401 challenge that renews it is counted under the route too (a CI run
    // counted 2). Only the retry's lookup talks to Atlas meanwhile.
    const LIST = "GET /api/atlas/v2/groups/{groupId}/integrations";
    const lookups = async () => {
      const counters = await emulator.counters();
      return (counters.byRoute[LIST] ?? 0) - (counters.byAuth["digestChallenge"] ?? 0);
    };
    const before = await lookups();
    await failed.getByRole("link", { name: "Retry" }).click();
    await expect(failed.locator('td[data-type="OPS_GENIE"]')).toContainText("••••3311");
    await expect(failed.getByRole("alert")).toHaveCount(0);
    await expect(page).toHaveURL(/\/fleet$/);
    expect((await lookups()) - before, "the retry looked up that project only").toBe(1);
  });
});

test.describe("over a generated fleet of 300 projects", () => {
  // Its own server: the rest of the suite keeps the five demo projects.
  let server: Server;
  test.beforeAll(async () => {
    server = await startSecondServer({ EMULATOR_PROJECTS: "300" });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  async function signInThere(page: Page, demo: { serviceAccount: { clientId: string; clientSecret: string } }) {
    await page.goto(`${server.url}/login`);
    const form = page.getByRole("form", { name: "Service account" });
    await form.getByLabel("Client ID").fill(demo.serviceAccount.clientId);
    await form.getByLabel("Client secret").fill(demo.serviceAccount.clientSecret);
    await form.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
  }

  async function listCalls(request: import("@playwright/test").APIRequestContext): Promise<number> {
    const res = await request.get(`${server.emulatorUrl}/_emulator/counters`, { headers: HOOK_HEADERS });
    return (await res.json()).byRoute["GET /api/atlas/v2/groups/{groupId}/integrations"] ?? 0;
  }

  test("the first page is there at once, then the whole fleet loads with its progress", async ({ page, demo, request }) => {
    await signInThere(page, demo);
    const before = await listCalls(request);
    const response = await page.goto(`${server.url}/fleet`);
    // Server-rendered: the first 50 rows are in the page itself.
    const html = (await response!.text()).split('<tr data-id="').length - 1;
    expect(html).toBe(50);
    await waitForHydration(page);
    await expect(progress(page)).toContainText("Loaded 305 of 305 projects; 305 shown");
    await expect(rows(page)).toHaveCount(305);
    // Loaded two requests at a time, the rows still stand in name order, each once.
    const places = await rows(page).evaluateAll((trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.index)));
    expect(places).toEqual([...Array(305).keys()]);
    // Every 3rd generated project has PagerDuty (100), and Production; every 5th Datadog.
    await expect(page.locator('td.column-count[data-type="PAGER_DUTY"]')).toHaveText("101");
    await expect(page.locator('td.column-count[data-type="DATADOG"]')).toHaveText("61");
    expect(await listCalls(request) - before, "one list call per project").toBe(305);
  });

  test("a cell filter over the whole fleet", async ({ page, demo, request }) => {
    await signInThere(page, demo);
    const before = await listCalls(request);
    await page.goto(`${server.url}/fleet?has=WEBHOOK&lacks=PAGER_DUTY`);
    await waitForHydration(page);
    await expect(progress(page)).toContainText("Loaded 305 of 305 projects");
    // Every 7th (42) has a webhook, minus every 21st (14) that also has PagerDuty.
    await expect(rows(page)).toHaveCount(28);
    // What the server already looked up is not asked for again.
    expect(await listCalls(request) - before, "one list call per project").toBe(305);
  });

  test.describe("when the rest cannot be loaded", () => {
    // The failures below are provoked: a dropped connection, a request without the session.
    test.use({ expectedConsoleErrors: /ERR_CONNECTION_RESET|status of 401\b/ });

    test("a dropped connection is said on the progress line and the page links come back", async ({ page, demo }) => {
      await signInThere(page, demo);
      await page.route("**/api/fleet/rows-html", (route) => route.abort("connectionreset"));
      await page.goto(`${server.url}/fleet`);
      await waitForHydration(page);
      await expect(progress(page)).toContainText("The dashboard server could not answer");
      await expect(rows(page)).toHaveCount(50);
      await expect(page.getByRole("link", { name: "Next" })).toBeVisible();
    });

    test("a session that ended sends the browser to sign in, back to the matrix after", async ({ page, demo }) => {
      await signInThere(page, demo);
      // The session cookie is gone by the island's first request, as after a sign-out in
      // another tab; the request then goes to the real server without it.
      await page.route("**/api/fleet/rows-html", async (route) => {
        await page.context().clearCookies();
        await route.fulfill({ response: await route.fetch({ headers: route.request().headers() }) });
      });
      await page.goto(`${server.url}/fleet`);
      await expect(page).toHaveURL(/\/login\?next=\/fleet$/);
    });
  });

  test.describe("without JavaScript", () => {
    test.use({ javaScriptEnabled: false });
    test("one page at a time, with links", async ({ page, demo }) => {
      await signInThere(page, demo);
      await page.goto(`${server.url}/fleet`);
      await expect(rows(page)).toHaveCount(50);
      await expect(progress(page)).toContainText("Page 1: 50 rows of 305 projects");
      await page.getByRole("link", { name: "Next" }).click();
      await expect(page).toHaveURL(/\/fleet\?page=2$/);
      await expect(rows(page)).toHaveCount(50);
      await expect(rows(page).first().locator("th a")).toHaveText("bench-00050");
    });
  });
});
