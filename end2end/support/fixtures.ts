import { test as base, expect, type Page } from "@playwright/test";
import { Emulator, type Demo } from "./emulator";

type Options = {
  /**
   * Console errors a test provokes on purpose. Chromium logs every non-2xx fetch as
   * "Failed to load resource: … status of 401"; a test that drives an error path names the
   * statuses it expects (`httpStatus(401, 409)`), and any other console or page error still
   * fails it. One pattern, not a list: Playwright reads an array option as [value, options].
   */
  expectedConsoleErrors: RegExp | null;
};

type Fixtures = {
  browserErrors: string[];
  /** The embedded emulator's test hooks, reset before each test. */
  emulator: Emulator;
  demo: Demo;
};

export const test = base.extend<Options & Fixtures>({
  expectedConsoleErrors: [null, { option: true }],
  // Automatic: every test gets the error watch, whether or not it names the fixture.
  browserErrors: [
    async ({ page, expectedConsoleErrors }, use) => {
      const errors: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() !== "error") return;
        if (expectedConsoleErrors?.test(msg.text())) return;
        errors.push(`console: ${msg.text()}`);
      });
      page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
      await use(errors);
      expect(errors, "console or page errors during the test").toEqual([]);
    },
    { auto: true },
  ],
  emulator: async ({ request }, use) => {
    const emulator = new Emulator(request);
    await emulator.reset();
    await use(emulator);
  },
  demo: async ({ emulator }, use) => {
    await use(await emulator.demo());
  },
});

export { expect };

/**
 * Waits until the WASM bundle has hydrated the page (the app sets this marker). A page without
 * islands loads no WASM (src/page_texts.rs): there is nothing to wait for.
 */
export async function waitForHydration(page: Page): Promise<void> {
  if ((await page.locator("leptos-island").count()) === 0) return;
  await page.locator("body[data-hydrated='true']").waitFor({ state: "attached" });
}

/** The console error Chromium logs for a fetch that answered one of `statuses`. */
export function httpStatus(...statuses: number[]): RegExp {
  return new RegExp(`status of (${statuses.join("|")})\\b`);
}
