import { defineConfig, devices } from "@playwright/test";
import base from "./playwright.config";
import { PUBLIC_URL } from "./deploy/stack";

// The deployment test (scripts/deploy-check): the stack in deploy/stack.ts starts Redis, the
// emulator, two replicas of the release binary and nginx itself, so no webServer here.
export default defineConfig({
  ...base,
  testDir: "./deploy",
  webServer: undefined,
  // One stack, shared by the specs (the base config runs a server per worker).
  workers: 1,
  reporter: [["list"]],
  use: {
    ...base.use,
    baseURL: PUBLIC_URL,
    ignoreHTTPSErrors: true,
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
});
