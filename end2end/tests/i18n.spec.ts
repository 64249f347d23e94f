import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { test, expect, httpStatus, waitForHydration } from "../support/fixtures";
import { signIn } from "../support/session";

/**
 * The dashboard in Korean, Japanese and Chinese: the main flows located by role and by the
 * translated text, read from the same locales/*.json the server is built from; and every
 * page, the fleet's included, checked for cut or overflowing text at 390 and 1200 px in all
 * four languages.
 */

type Messages = { [key: string]: string | Messages };
const read = (tag: string): Messages =>
  JSON.parse(readFileSync(path.join(__dirname, "..", "..", "locales", `${tag}.json`), "utf8"));
const EN = read("en");

/** A message by its dotted key, with `{{ name }}` placeholders filled in. */
function msg(m: Messages, key: string, values: Record<string, string> = {}): string {
  const text = key.split(".").reduce<string | Messages>((node, part) => (node as Messages)[part], m);
  if (typeof text !== "string") throw new Error(`no message ${key}`);
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name) => {
    if (!(name in values)) throw new Error(`${key}: no value for ${name}`);
    return values[name];
  });
}

/** Every message of a file, flattened. */
function all(m: Messages, prefix = ""): [string, string][] {
  return Object.entries(m).flatMap(([k, v]) =>
    typeof v === "string" ? [[prefix + k, v] as [string, string]] : all(v, `${prefix}${k}.`),
  );
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The page shows no English where the language has its own text: no English message of
 * 12 characters or more that the translation changes (brand names and ids stay), and no
 * raw key or placeholder.
 */
async function expectNoEnglish(page: Page, m: Messages) {
  const text = await page.locator("body").innerText();
  const translated = new Map(all(m));
  const english = all(EN)
    .filter(([key, en]) => en.length >= 12 && translated.get(key) !== en && !en.includes("{{"))
    .map(([, en]) => en);
  const leaked = english.filter((en) => text.includes(en));
  expect(leaked, "English text on a translated page").toEqual([]);
  expect(text).not.toMatch(/\{\{|\{[a-z_]+\}|\b(msg|error|plan|field|kind|refusal)\.[a-z_]+/);
}

/** Nothing wider than the window, and no button, label, heading or link cut or past its edge. */
async function expectNoOverflow(page: Page, name: string) {
  const problems = await page.evaluate(() => {
    const out: string[] = [];
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
      out.push(`page ${document.documentElement.scrollWidth}px wide in ${window.innerWidth}px`);
    }
    for (const el of Array.from(document.querySelectorAll("button, .button, label, th, h1, h2, nav a"))) {
      const e = el as HTMLElement;
      if (e.offsetParent === null) continue;
      if (e.scrollWidth > e.clientWidth + 1) out.push(`${e.tagName} "${e.innerText.slice(0, 40)}" cut`);
      // Inside a container that scrolls sideways (the matrix) is by design.
      let scrolls = false;
      for (let p = e.parentElement; p && !scrolls; p = p.parentElement) {
        scrolls = ["auto", "scroll"].includes(getComputedStyle(p).overflowX);
      }
      const box = e.getBoundingClientRect();
      if (!scrolls && box.right > window.innerWidth + 1) out.push(`${e.tagName} "${e.innerText.slice(0, 40)}" past the edge`);
    }
    return out;
  });
  expect(problems, `overflow on ${name}`).toEqual([]);
}

/** Both widths: checked, and kept as screenshots to look at (test-results/). */
async function lookAt(page: Page, tag: string, name: string) {
  for (const width of [390, 1200]) {
    await page.setViewportSize({ width, height: 900 });
    await expectNoOverflow(page, `${name} at ${width}px`);
    await page.screenshot({ path: test.info().outputPath(`${tag}-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1200, height: 900 });
}

/** A fleet run's preview (every project gets Opsgenie), checked and kept as screenshots. */
async function lookAtRunPreview(page: Page, m: Messages, tag: string, projectIds: string[]) {
  await page.goto(`/fleet/apply?type=OPS_GENIE&projects=${projectIds.join(",")}`);
  await waitForHydration(page);
  await page.locator("form.fleet-apply fieldset.integration-form input[type=password]").first().fill(OPSGENIE_KEY);
  await page.getByRole("button", { name: msg(m, "preview"), exact: true }).click();
  await expect(page).toHaveURL(/\/fleet\/runs\//);
  await expect(page.locator("table.fleet-run tbody tr")).toHaveCount(projectIds.length);
  if (m !== EN) await expectNoEnglish(page, m);
  await lookAt(page, tag, "fleet-run");
}
const OPSGENIE_KEY = "11111111-2222-3333-4444-555555550042";

/** The fleet's pages, each with the message key of its heading. */
const FLEET_PAGES = [
  ["/fleet", "fleet"],
  ["/history", "fleet_history"],
  ["/fleet/apply?type=DATADOG", "fleet_apply_title"],
  ["/fleet/rotate?type=DATADOG&field=apiKey", "fleet_rotate_title"],
  ["/fleet/export?has=PAGER_DUTY", "export_as_code"],
  ["/fleet/advisories", "advisories.title"],
  ["/fleet/rotate/alerts?type=PAGER_DUTY&field=serviceKey&hint=0022", "alerts.switch_title"],
  ["/fleet?advice=own-key-alerts", "fleet"],
] as const;

const LANGUAGES = [
  { tag: "ko", locale: "ko-KR", html: "ko" },
  { tag: "ja", locale: "ja-JP", html: "ja" },
  { tag: "zh", locale: "zh-CN", html: "zh-Hans" },
] as const;

for (const lang of LANGUAGES) {
  test.describe(`${lang.tag}`, () => {
    const m = read(lang.tag);
    test.use({ locale: lang.locale, expectedConsoleErrors: httpStatus(401, 500) });

    test("sign in, create, edit, delete and an error, all in the browser's language", async ({ page, demo, emulator }) => {
      const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
      // Atlas's documented update: what is not sent is kept (the edit below keeps the secret).
      await emulator.putMode("merge");

      // Accept-Language alone picks the language: the server renders it, <html lang> says it.
      await page.goto("/login");
      await waitForHydration(page);
      await expect(page.locator("html")).toHaveAttribute("lang", lang.html);
      await expect(page).toHaveTitle(msg(m, "app_title"));
      await expect(page.getByRole("heading", { name: msg(m, "sign_in_title"), level: 1 })).toBeVisible();
      await expectNoEnglish(page, m);
      await lookAt(page, lang.tag, "login");

      // An error: a wrong secret, refused in this language.
      const form = page.getByRole("form", { name: msg(m, "api_key_title") });
      await form.getByLabel(msg(m, "public_key"), { exact: true }).fill(demo.apiKey.publicKey);
      await form.getByLabel(msg(m, "private_key"), { exact: true }).fill("not-the-secret");
      await form.getByRole("button", { name: msg(m, "sign_in") }).click();
      await expect(page.getByRole("alert")).toHaveText(msg(m, "error.wrong_credential"));

      // Sign in (the refusal came back as a new page: both fields are typed again).
      await form.getByLabel(msg(m, "public_key"), { exact: true }).fill(demo.apiKey.publicKey);
      await form.getByLabel(msg(m, "private_key"), { exact: true }).fill(demo.apiKey.privateKey);
      await form.getByRole("button", { name: msg(m, "sign_in") }).click();
      await expect(page.getByRole("heading", { name: msg(m, "projects"), level: 1 })).toBeVisible();
      await expectNoEnglish(page, m);
      await lookAt(page, lang.tag, "projects");

      // Create PagerDuty with the translated labels.
      const service = "0123456789abcdef0123456789ab" + lang.tag.padEnd(4, "x");
      await page.goto(`/projects/${sandbox.id}/integrations/PAGER_DUTY`);
      await waitForHydration(page);
      await expect(page.getByRole("heading", { name: msg(m, "msg.configure_title", { kind: "PagerDuty" }) })).toBeVisible();
      await expectNoEnglish(page, m);
      await lookAt(page, lang.tag, "create-form");
      const label = (field: string) => new RegExp(`^${escape(msg(m, `field.pager_duty.${field}.label`))}( \\*)?$`);
      await page.getByLabel(label("service_key")).fill(service);
      await page.getByRole("button", { name: msg(m, "create") }).click();
      await expect(page).toHaveURL(new RegExp(`/projects/${sandbox.id}\\?saved=PAGER_DUTY$`));
      await expect(page.getByText(msg(m, "msg.saved_kind", { kind: "PagerDuty" }))).toBeVisible();
      expect((await emulator.stored(sandbox.id, "PAGER_DUTY"))?.serviceKey).toBe(service);
      await expectNoEnglish(page, m);
      await lookAt(page, lang.tag, "project");

      // Edit: the region, the secret kept.
      await page.goto(`/projects/${sandbox.id}/integrations/PAGER_DUTY`);
      await waitForHydration(page);
      await expect(page.getByRole("heading", { name: msg(m, "msg.edit_title", { kind: "PagerDuty" }) })).toBeVisible();
      await expect(page.locator("summary", { hasText: msg(m, "replace") })).toBeVisible();
      await page.getByLabel(label("region")).selectOption("EU");
      await lookAt(page, lang.tag, "edit-form");
      await page.getByRole("button", { name: msg(m, "save_changes") }).click();
      await expect(page).toHaveURL(new RegExp(`\\?saved=PAGER_DUTY$`));
      const stored = await emulator.stored(sandbox.id, "PAGER_DUTY");
      expect(stored?.region).toBe("EU");
      expect(stored?.serviceKey).toBe(service);

      // An error from Atlas: its own detail, in English, inside the translated sentence.
      await emulator.addFault({ method: "PUT", pathPrefix: `/api/atlas/v2/groups/${sandbox.id}/integrations`, status: 500 });
      await page.goto(`/projects/${sandbox.id}/integrations/PAGER_DUTY`);
      await waitForHydration(page);
      await page.getByRole("button", { name: msg(m, "save_changes") }).click();
      const alert = page.getByRole("alert");
      const said = msg(m, "error.atlas_said", { sentence: "@@", detail: "@@" }).split("@@")[1];
      await expect(alert).toContainText(said.trim());
      await expect(alert).toContainText(msg(m, "error.atlas_answered", { status: "500", code: "@@" }).split("@@")[0].trim());
      await emulator.clearFaults();
      await lookAt(page, lang.tag, "atlas-error");

      // Delete, confirmed.
      await page.goto(`/projects/${sandbox.id}/integrations/PAGER_DUTY/delete`);
      await expect(page.getByText(msg(m, "msg.delete_question", { kind: "PagerDuty", project: "Sandbox" }))).toBeVisible();
      await lookAt(page, lang.tag, "delete");
      await page.getByRole("button", { name: msg(m, "msg.delete_button", { kind: "PagerDuty" }) }).click();
      await expect(page.getByText(msg(m, "msg.deleted_kind", { kind: "PagerDuty" }))).toBeVisible();
      expect(await emulator.stored(sandbox.id, "PAGER_DUTY")).toBeNull();

      // The fleet matrix and the history: translated too.
      for (const [i, [url, heading]] of FLEET_PAGES.entries()) {
        await page.goto(url);
        await expect(page.getByRole("heading", { name: msg(m, heading), level: 1 })).toBeVisible();
        await expectNoEnglish(page, m);
        await lookAt(page, lang.tag, `${i}-${heading}`);
      }
      await lookAtRunPreview(page, m, lang.tag, demo.projects.map((p) => p.id));
    });
  });
}

test.describe("en", () => {
  test.use({ locale: "en-US" });
  test("every fleet page fits at both widths", async ({ page, demo }) => {
    await signIn(page, demo);
    for (const [i, [url, heading]] of FLEET_PAGES.entries()) {
      await page.goto(url);
      await expect(page.getByRole("heading", { name: msg(EN, heading), level: 1 })).toBeVisible();
      await lookAt(page, "en", `${i}-${heading}`);
    }
    await lookAtRunPreview(page, EN, "en", demo.projects.map((p) => p.id));
  });
});

test.describe("switching", () => {
  test.use({ locale: "en-US" });

  test("every page offers the four languages; the choice is kept in a cookie over Accept-Language", async ({ page, demo, context }) => {
    await page.goto("/login");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    const languages = page.getByRole("navigation", { name: msg(EN, "language") });
    await expect(languages.getByRole("link")).toHaveText(["English", "한국어", "日本語", "中文"]);
    await expect(languages.getByRole("link", { name: "English" })).toHaveAttribute("aria-current", "true");

    // On the login page, with a return address in the query: it comes back to the same page.
    await page.goto("/login?next=%2Ffleet");
    await page.getByRole("navigation", { name: msg(EN, "language") }).getByRole("link", { name: "日本語" }).click();
    await expect(page).toHaveURL(/\/login\?next=%2Ffleet$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "ja");
    const ja = read("ja");
    await expect(page.getByRole("heading", { name: msg(ja, "sign_in_title"), level: 1 })).toBeVisible();
    const cookie = (await context.cookies()).find((c) => c.name === "lang");
    expect(cookie?.value).toBe("ja");
    expect(cookie?.httpOnly).toBe(true);

    // Kept after signing in, on every page, though the browser still asks for English.
    const form = page.getByRole("form", { name: msg(ja, "api_key_title") });
    await form.getByLabel(msg(ja, "public_key"), { exact: true }).fill(demo.apiKey.publicKey);
    await form.getByLabel(msg(ja, "private_key"), { exact: true }).fill(demo.apiKey.privateKey);
    await form.getByRole("button", { name: msg(ja, "sign_in") }).click();
    await expect(page).toHaveURL(/\/fleet$/);
    await expect(page.getByRole("heading", { name: msg(ja, "fleet"), level: 1 })).toBeVisible();

    // And back to English from there.
    await page.getByRole("navigation", { name: msg(ja, "language") }).getByRole("link", { name: "English" }).click();
    await expect(page).toHaveURL(/\/fleet$/);
    await expect(page.getByRole("heading", { name: msg(EN, "fleet"), level: 1 })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
  });

  test("the language link returns only to a page of the dashboard", async ({ request }) => {
    for (const back of ["https://evil.example/", "//evil.example/", "/\\evil.example"]) {
      const res = await request.get(`/lang/ko?back=${encodeURIComponent(back)}`, { maxRedirects: 0 });
      expect(res.status()).toBe(303);
      expect(res.headers()["location"]).toBe("/");
    }
    const unknown = await request.get("/lang/fr?back=/", { maxRedirects: 0 });
    expect(unknown.status()).toBe(404);
  });
});
