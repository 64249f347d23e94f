import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, chmodSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { HOOK_TOKEN } from "../support/env";

// The deployment the README describes, on one machine: Redis, the Atlas emulator, two
// dashboard replicas sharing sessions through Redis, and nginx in front with TLS, configured
// from deploy/nginx.conf itself. Everything is Debian's or ours; nothing is mocked.

const ROOT = resolve(__dirname, "../..");
// ATLAS_BINARY: another build of the binary (e.g. target/debug while iterating).
const BINARY = process.env.ATLAS_BINARY ?? join(ROOT, "target/release/atlas-integrations");
const SITE = join(ROOT, "target/site");

export const PORTS = {
  redis: 3460,
  emulator: 3490,
  replicas: [3401, 3402],
  metrics: [3411, 3412],
  nginx: 3443,
};
export const PUBLIC_URL = `https://127.0.0.1:${PORTS.nginx}`;
export const EMULATOR = `http://127.0.0.1:${PORTS.emulator}`;
export const REDIS_URL = `redis://127.0.0.1:${PORTS.redis}/0`;

/** A session key as `atlas-integrations session-key` prints it. */
export function newKey(): string {
  return execFileSync(BINARY, ["session-key"], { encoding: "utf8" }).trim();
}

/** A process and everything it printed. */
class Proc {
  output = "";
  exited: Promise<number | null>;
  constructor(readonly name: string, readonly child: ChildProcess) {
    child.stdout?.on("data", (d) => (this.output += d));
    child.stderr?.on("data", (d) => (this.output += d));
    // "close", not "exit": by then everything it printed has been read.
    this.exited = new Promise((done) => child.on("close", (code) => done(code)));
  }
}

function run(name: string, cmd: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(cmd, args, { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  return new Proc(name, child);
}

async function waitFor(what: string, proc: Proc | null, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  let exited = false;
  proc?.exited.then(() => (exited = true));
  while (Date.now() < end) {
    if (exited) throw new Error(`${what} exited:\n${proc?.output}`);
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not ready within ${ms} ms:\n${proc?.output ?? ""}`);
}

const answers = (url: string) => async () => (await fetch(url)).ok;

export class Stack {
  readonly dir = mkdtempSync(join(tmpdir(), "atlas-deploy-"));
  redis!: Proc;
  emulator!: Proc;
  nginx!: Proc;
  replicas: (Proc | null)[] = [null, null];
  /** Every replica's output, restarts included, for the failure report and the leak scan. */
  logs: string[] = [];

  /** The keys each replica starts with; the first seals. */
  keys: string[] = [newKey()];

  async start(): Promise<void> {
    // nginx's workers run as `nobody` when started by root: they must reach the temp paths.
    chmodSync(this.dir, 0o755);
    await this.startRedis();
    this.emulator = run("emulator", BINARY, ["emulator"], {
      EMULATOR_LISTEN: `127.0.0.1:${PORTS.emulator}`,
      EMULATOR_TEST_HOOKS: "true",
      EMULATOR_HOOK_TOKEN: HOOK_TOKEN!,
      // A fleet for the runs test: bench-00001… (owned by the demo key).
      EMULATOR_PROJECTS: "100",
      RUST_LOG: "warn",
    });
    await waitFor("emulator", this.emulator, async () => (await fetch(`${EMULATOR}/api/atlas/v2`)).status < 500);
    await this.startReplica(0);
    await this.startReplica(1);
    this.nginx = this.startNginx();
    await waitFor("nginx", this.nginx, async () => {
      // Node's fetch refuses the self-signed certificate; curl is told to accept it.
      const out = execFileSync("curl", ["-sk", "-o", "/dev/null", "-w", "%{http_code}", `${PUBLIC_URL}/healthz`], { encoding: "utf8" });
      return out === "200";
    });
  }

  replicaEnv(i: number, overrides: Record<string, string> = {}): Record<string, string> {
    return {
      LEPTOS_SITE_ADDR: `127.0.0.1:${PORTS.replicas[i]}`,
      LEPTOS_SITE_ROOT: SITE,
      ATLAS_BASE_URL: EMULATOR,
      SESSION_STORE: REDIS_URL,
      SESSION_KEYS: this.keys.join(","),
      TRUSTED_PROXIES: "127.0.0.1",
      METRICS_LISTEN: `127.0.0.1:${PORTS.metrics[i]}`,
      SHUTDOWN_GRACE_SECS: "10",
      RUST_LOG: "info",
      ...overrides,
    };
  }

  async startReplica(i: number): Promise<void> {
    const proc = run(`replica ${i + 1}`, BINARY, [], this.replicaEnv(i));
    this.replicas[i] = proc;
    await waitFor(`replica ${i + 1}`, proc, answers(`http://127.0.0.1:${PORTS.replicas[i]}/readyz`));
  }

  /** SIGTERM, as systemd or an orchestrator stops it; resolves once it has exited. */
  async stopReplica(i: number): Promise<number | null> {
    const proc = this.replicas[i];
    if (!proc) return null;
    proc.child.kill("SIGTERM");
    const code = await proc.exited;
    this.logs.push(proc.output);
    this.replicas[i] = null;
    return code;
  }

  /** SIGKILL, as a crash or an OOM kill: nothing is finished, nothing let go. */
  async killReplica(i: number): Promise<void> {
    const proc = this.replicas[i];
    if (!proc) return;
    proc.child.kill("SIGKILL");
    await proc.exited;
    this.logs.push(proc.output);
    this.replicas[i] = null;
  }

  /** The replica whose output names `text` (e.g. the run it writes), if one does. */
  replicaSaying(text: string): number | null {
    const i = this.replicas.findIndex((r) => r?.output.includes(text));
    return i < 0 ? null : i;
  }

  /** Runs the binary with `env` and returns its exit code and output (a start refused). */
  async refusedStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const proc = run("refused replica", BINARY, [], env);
    const timer = setTimeout(() => proc.child.kill("SIGKILL"), 15_000);
    const code = await proc.exited;
    clearTimeout(timer);
    return { code, output: proc.output };
  }

  private startNginx(): Proc {
    const cert = join(this.dir, "cert.pem");
    const key = join(this.dir, "key.pem");
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
    ], { stdio: "ignore" });
    for (const d of ["client-body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(this.dir, d));
    const fill: Record<string, string> = {
      RUN_DIR: this.dir,
      REPLICA_1: `127.0.0.1:${PORTS.replicas[0]}`,
      REPLICA_2: `127.0.0.1:${PORTS.replicas[1]}`,
      LISTEN: `127.0.0.1:${PORTS.nginx}`,
      CERT: cert,
      CERT_KEY: key,
    };
    const template = readFileSync(join(ROOT, "deploy/nginx.conf"), "utf8");
    const conf = template.replace(/@([A-Z_0-9]+)@/g, (_, name: string) => {
      if (!(name in fill)) throw new Error(`deploy/nginx.conf: nothing to fill @${name}@ with`);
      return fill[name];
    });
    const confPath = join(this.dir, "nginx.conf");
    writeFileSync(confPath, conf);
    const nginx = process.env.NGINX ?? (execFileSync("sh", ["-c", "command -v nginx || echo /usr/sbin/nginx"], { encoding: "utf8" }).trim());
    return run("nginx", nginx, ["-p", this.dir, "-c", confPath, "-g", "daemon off;"]);
  }

  /** Every byte Redis holds, as it would write it to disk (an RDB dump, uncompressed). */
  redisDump(): Buffer {
    execFileSync("redis-cli", ["-p", String(PORTS.redis), "save"]);
    return readFileSync(join(this.dir, "dump.rdb"));
  }

  redisKeys(): string[] {
    return execFileSync("redis-cli", ["-p", String(PORTS.redis), "--scan"], { encoding: "utf8" }).split("\n").filter(Boolean);
  }

  async startRedis(): Promise<void> {
    this.redis = run("redis", "redis-server", [
      "--port", String(PORTS.redis), "--bind", "127.0.0.1", "--dir", this.dir,
      "--save", "", "--appendonly", "no",
      // Uncompressed, so the scan of the dump sees every byte as it is stored.
      "--rdbcompression", "no",
    ]);
    await waitFor("redis", this.redis, async () => {
      const ping = execFileSync("redis-cli", ["-p", String(PORTS.redis), "ping"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      return ping.trim() === "PONG";
    });
  }

  async stopRedis(): Promise<void> {
    this.redis.child.kill("SIGTERM");
    await this.redis.exited;
  }

  /** Seconds until Redis drops `key` by itself. */
  redisTtl(key: string): number {
    return Number(execFileSync("redis-cli", ["-p", String(PORTS.redis), "ttl", key], { encoding: "utf8" }).trim());
  }

  /** A replica's metrics, as Prometheus scrapes them. */
  async metrics(i: number): Promise<string> {
    return (await fetch(`http://127.0.0.1:${PORTS.metrics[i]}/metrics`)).text();
  }

  async stop(): Promise<void> {
    for (let i = 0; i < this.replicas.length; i++) await this.stopReplica(i);
    for (const p of [this.nginx, this.emulator, this.redis]) {
      if (!p || p.child.exitCode !== null || p.child.signalCode !== null) continue;
      p.child.kill("SIGTERM");
      await p.exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
