import { defineConfig, devices } from "@playwright/test";
import { DASHBOARD_URL, DASHBOARD_ADDR, EMULATOR_ADDR, HOOK_TOKEN } from "./support/env";

// The suite drives Debian's Chromium (no browser download is possible here) against the real
// release binary, which serves the dashboard and its embedded emulator with test hooks on.
// One worker: tests share the emulator's state and reset it between tests.
export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: DASHBOARD_URL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: {
    command: "../target/release/atlas-integrations",
    cwd: __dirname,
    url: `${DASHBOARD_URL}/login`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      LEPTOS_SITE_ROOT: "../target/site",
      LEPTOS_SITE_ADDR: DASHBOARD_ADDR,
      EMULATOR_LISTEN: EMULATOR_ADDR,
      EMULATOR_TEST_HOOKS: "true",
      EMULATOR_HOOK_TOKEN: HOOK_TOKEN,
      RUST_LOG: "info",
    },
  },
});
