import { randomBytes } from "node:crypto";

// Where the release binary under test listens. Not 3000, so a running `scripts/run` does not
// collide with the suite.
export const DASHBOARD_ADDR = process.env.E2E_DASHBOARD_ADDR ?? "127.0.0.1:3100";
export const EMULATOR_ADDR = process.env.E2E_EMULATOR_ADDR ?? "127.0.0.1:3190";
export const DASHBOARD_URL = `http://${DASHBOARD_ADDR}`;
export const EMULATOR_URL = `http://${EMULATOR_ADDR}`;

// The token of the emulator's /_emulator/* hooks. Made once by the runner, which loads this
// file first; the workers it starts inherit the variable, so all share one value with the
// server under test (playwright.config.ts passes it on).
process.env.EMULATOR_HOOK_TOKEN ??= randomBytes(16).toString("hex");
export const HOOK_TOKEN = process.env.EMULATOR_HOOK_TOKEN;
export const HOOK_HEADERS = { "x-emulator-token": HOOK_TOKEN };
