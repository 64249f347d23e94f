import { test, expect, waitForHydration } from "../support/fixtures";
import { LoginPage } from "../pages/login";
import { signIn } from "../support/session";

test("the page hydrates and a server function answers", async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.checkServer.click();
  // The answer only appears if the click ran in WASM and the server function replied.
  await expect(login.status).toContainText("embedded emulator");
  await expect(login.status).toContainText(/Server \d+\.\d+\.\d+/);
});

/** The page's messages (`<script id="texts">`), or null when it carries none. */
async function pageTexts(page: import("@playwright/test").Page) {
  const json = await page.locator("script#texts").evaluateAll((els) => els[0]?.textContent ?? null);
  return json === null ? null : (JSON.parse(json) as { strings: [number, string][]; kinds: unknown[]; fields: unknown[] });
}

test("a page without islands loads no script and no messages; one with islands only its islands'", async ({ page, demo }) => {
  const fetched: string[] = [];
  page.on("request", (r) => {
    if (/\.(js|wasm)$/.test(new URL(r.url()).pathname)) fetched.push(new URL(r.url()).pathname);
  });
  await signIn(page, demo);
  const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;

  // A project: drawn on the server, links and forms only.
  fetched.length = 0;
  await page.goto(`/projects/${sandbox.id}`);
  await expect(page.getByRole("heading", { name: "Sandbox" })).toBeVisible();
  expect(await page.locator("leptos-island").count()).toBe(0);
  expect(fetched, "no JS or WASM on a page without islands").toEqual([]);
  expect(await pageTexts(page)).toBeNull();

  // The form: its island hydrates, with the fields' labels and its own messages.
  await page.goto(`/projects/${sandbox.id}/integrations/PAGER_DUTY`);
  await waitForHydration(page);
  expect(fetched.some((f) => f.endsWith(".wasm"))).toBe(true);
  const form = await pageTexts(page);
  expect(form?.fields.length).toBeGreaterThan(10);

  // The login page's island checks the server: a few messages, no field labels.
  await page.context().clearCookies();
  await page.goto("/login");
  await waitForHydration(page);
  const login = await pageTexts(page);
  expect(login?.fields).toEqual([]);
  expect(login!.strings.length).toBeLessThan(form!.strings.length);
  expect(login!.strings.map(([, text]) => text)).toContain("Check server");
});
