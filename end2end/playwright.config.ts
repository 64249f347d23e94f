import { defineConfig, devices } from "@playwright/test";
import { DASHBOARD_URL, HOOK_TOKEN, WORKERS, dashboardAddr, emulatorAddr } from "./support/env";

// The suite drives Debian's Chromium (no browser download is possible here) against the real
// release binary, which serves the dashboard and its embedded emulator with test hooks on.
// Each worker has a binary of its own (support/env.ts gives its ports): a test resets its
// worker's emulator and changes nothing another worker sees. Within a file, tests run in order.
export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: WORKERS,
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
  webServer: Array.from({ length: WORKERS }, (_, worker) => ({
    command: "../target/release/atlas-integrations",
    cwd: __dirname,
    url: `http://${dashboardAddr(worker)}/login`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    env: {
      LEPTOS_SITE_ROOT: "../target/site",
      LEPTOS_SITE_ADDR: dashboardAddr(worker),
      EMULATOR_LISTEN: emulatorAddr(worker),
      EMULATOR_TEST_HOOKS: "true",
      EMULATOR_HOOK_TOKEN: HOOK_TOKEN,
      RUST_LOG: "info",
    },
  })),
});
