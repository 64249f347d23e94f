import { test as base, expect, type Page } from "@playwright/test";
import { Emulator } from "./emulator";

type Fixtures = {
  /** Console messages of type "error" and uncaught page errors; any of them fails the test. */
  browserErrors: string[];
  /** The embedded emulator's test hooks, reset before each test. */
  emulator: Emulator;
};

export const test = base.extend<Fixtures>({
  browserErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("console", (msg) => {
      if (msg.type() === "error") errors.push(`console: ${msg.text()}`);
    });
    page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
    await use(errors);
    expect(errors, "console or page errors during the test").toEqual([]);
  },
  emulator: async ({ request }, use) => {
    const emulator = new Emulator(request);
    await emulator.reset();
    await use(emulator);
  },
  // Every test gets the error watch, whether or not it names the fixture.
  page: async ({ page, browserErrors }, use) => {
    void browserErrors;
    await use(page);
  },
});

export { expect };

/** Waits until the WASM bundle has hydrated the page (the app sets this marker). */
export async function waitForHydration(page: Page): Promise<void> {
  await page.locator("body[data-hydrated='true']").waitFor({ state: "attached" });
}
