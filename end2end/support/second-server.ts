import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { DASHBOARD_ADDR, EMULATOR_ADDR, HOOK_TOKEN, portPlus } from "./env";

export type Server = { url: string; emulatorUrl: string; stop: () => Promise<void> };

/**
 * A second release binary beside the suite's own, for a spec that needs other emulator
 * options (a generated fleet): the suite's server and its demo data stay as every other spec
 * expects. It listens one port above its worker's dashboard and emulator addresses.
 */
export async function startSecondServer(env: Record<string, string>): Promise<Server> {
  const addr = portPlus(DASHBOARD_ADDR, 1);
  const emulatorAddr = portPlus(EMULATOR_ADDR, 1);
  const cwd = path.resolve(__dirname, "..");
  const child: ChildProcess = spawn("../target/release/atlas-integrations", [], {
    cwd,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      LEPTOS_SITE_ROOT: "../target/site",
      LEPTOS_SITE_ADDR: addr,
      EMULATOR_LISTEN: emulatorAddr,
      EMULATOR_TEST_HOOKS: "true",
      EMULATOR_HOOK_TOKEN: HOOK_TOKEN,
      RUST_LOG: "warn",
      ...env,
    },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const url = `http://${addr}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`second server exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/login`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`second server not ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  };
  return { url, emulatorUrl: `http://${emulatorAddr}`, stop };
}
