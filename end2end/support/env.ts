// Where the release binary under test listens. Not 3000, so a running `scripts/run` does not
// collide with the suite.
export const DASHBOARD_ADDR = process.env.E2E_DASHBOARD_ADDR ?? "127.0.0.1:3100";
export const EMULATOR_ADDR = process.env.E2E_EMULATOR_ADDR ?? "127.0.0.1:3190";
export const DASHBOARD_URL = `http://${DASHBOARD_ADDR}`;
export const EMULATOR_URL = `http://${EMULATOR_ADDR}`;
