import { randomBytes } from "node:crypto";

/** `host:port` with the port moved by `by`. */
export function portPlus(addr: string, by: number): string {
  const at = addr.lastIndexOf(":");
  return `${addr.slice(0, at)}:${Number(addr.slice(at + 1)) + by}`;
}

// How many workers run the suite, each against a release binary of its own
// (playwright.config.ts starts one per worker): a worker's tests reset and change only its own
// emulator, so specs run side by side without seeing each other's state.
export const WORKERS = Number(process.env.E2E_WORKERS ?? 2);

// Where the first worker's binary listens. Not 3000, so a running `scripts/run` does not
// collide with the suite. Worker n's ports are 2n above (a spec's second server takes the
// port after its worker's: support/second-server.ts).
const BASE_DASHBOARD_ADDR = process.env.E2E_DASHBOARD_ADDR ?? "127.0.0.1:3100";
const BASE_EMULATOR_ADDR = process.env.E2E_EMULATOR_ADDR ?? "127.0.0.1:3190";
export const dashboardAddr = (worker: number) => portPlus(BASE_DASHBOARD_ADDR, 2 * worker);
export const emulatorAddr = (worker: number) => portPlus(BASE_EMULATOR_ADDR, 2 * worker);

// This process's worker: Playwright sets TEST_PARALLEL_INDEX (0 … workers − 1) in each worker
// process; the runner itself has none and reads slot 0.
const SLOT = Number(process.env.TEST_PARALLEL_INDEX ?? 0);
export const DASHBOARD_ADDR = dashboardAddr(SLOT);
export const EMULATOR_ADDR = emulatorAddr(SLOT);
export const DASHBOARD_URL = `http://${DASHBOARD_ADDR}`;
export const EMULATOR_URL = `http://${EMULATOR_ADDR}`;

// The token of the emulator's /_emulator/* hooks. Made once by the runner, which loads this
// file first; the workers it starts inherit the variable, so all share one value with the
// servers under test (playwright.config.ts passes it on).
process.env.EMULATOR_HOOK_TOKEN ??= randomBytes(16).toString("hex");
export const HOOK_TOKEN = process.env.EMULATOR_HOOK_TOKEN;
export const HOOK_HEADERS = { "x-emulator-token": HOOK_TOKEN };
