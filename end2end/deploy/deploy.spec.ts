import { test, expect } from "../support/fixtures";
import { signIn } from "../support/session";
import { IntegrationFormPage, ProjectPage } from "../pages/project";
import { ApplyPage } from "../pages/fleet";
import type { Page } from "@playwright/test";
import { Stack, PORTS, newKey } from "./stack";

// Two replicas behind nginx (TLS, round-robin, deploy/nginx.conf), sessions in Redis: what
// README.md's "Deploying" describes, with Debian's redis-server and nginx. One stack for the
// file; the tests run in order and the last scans what the others left in Redis.
test.describe.configure({ mode: "serial" });

const stack = new Stack();
/** Every secret the tests typed or signed in with, and every session cookie they saw. */
const secrets = new Set<string>();
const SESSION_COOKIE = "__Host-atlas_integrations_session";

test.beforeAll(async () => {
  test.setTimeout(60_000);
  await stack.start();
});

test.afterAll(async () => {
  await stack.stop();
});

async function sessionCookie(page: Page): Promise<string> {
  const cookies = await page.context().cookies();
  const cookie = cookies.find((c) => c.name === SESSION_COOKIE);
  expect(cookie, `the Secure __Host- session cookie, among ${cookies.map((c) => c.name)}`).toBeTruthy();
  expect(cookie!.secure).toBe(true);
  secrets.add(cookie!.value);
  return cookie!.value;
}

/** A page of the dashboard, through nginx: answered 200, not the login page, no error. */
async function visit(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(200);
  await expect(page).not.toHaveURL(/\/login/);
  await expect(page.getByRole("alert")).toHaveCount(0);
}

test("a missing, malformed or unusable setting is refused at start with a clear message", async () => {
  const base = stack.replicaEnv(0, { LEPTOS_SITE_ADDR: "127.0.0.1:3409", METRICS_LISTEN: "" });
  delete base.METRICS_LISTEN;
  const { SESSION_KEYS: _, ...noKeys } = base;
  const cases: [Record<string, string>, RegExp][] = [
    [noKeys, /Redis session store needs session keys/],
    [{ ...base, SESSION_KEYS: "c2hvcnQ=" }, /key 1 of SESSION_KEYS is 5 bytes; a key is 32 bytes/],
    [{ ...base, SESSION_KEYS: `${newKey()},not a key!` }, /key 2 of SESSION_KEYS is neither base64 nor hex/],
    [{ ...base, SESSION_STORE: "redis://127.0.0.1:1/0" }, /Redis session store does not answer/],
    [{ ...base, SESSION_STORE: "memcached://127.0.0.1" }, /must be `memory` or a redis:\/\/ or rediss:\/\/ URL/],
  ];
  for (const [env, message] of cases) {
    const { code, output } = await stack.refusedStart(env);
    expect(code, output).toBe(1);
    expect(output).toMatch(message);
    // Nothing of a key is ever printed.
    for (const key of (env.SESSION_KEYS ?? "").split(",").filter(Boolean)) expect(output).not.toContain(key);
  }
});

test("rolling restarts of both replicas, with a key rotation: no sign-out, no lost write, no error page", async ({ page, demo, emulator, request }) => {
  test.setTimeout(120_000);
  const sandbox = demo.projects.find((p) => p.name === "Sandbox")!;
  secrets.add(demo.apiKey.privateKey);
  await signIn(page, demo);
  const signedIn = await sessionCookie(page);
  const form = new IntegrationFormPage(page);
  const project = new ProjectPage(page);

  let writes = 0;
  /** Work on several pages and save one change, whose secret Atlas must then hold. */
  async function work(label: string) {
    await visit(page, "/");
    await visit(page, `/projects/${sandbox.id}`);
    const secret = `0123456789abcdef0123456789ab${String(writes).padStart(4, "0")}`;
    secrets.add(secret);
    await form.open(sandbox.id, "DATADOG");
    if (writes === 0) {
      await form.input("API key").fill(secret);
      await form.input("Region").selectOption("US");
      await form.submit("Create");
    } else {
      await form.input("Region").selectOption(writes % 2 ? "EU" : "US");
      await form.replaceSecret("API key", secret);
      await form.submit("Save changes");
    }
    await expect(page, label).toHaveURL(new RegExp(`/projects/${sandbox.id}\\?saved=DATADOG$`));
    await expect(project.card("DATADOG")).toContainText(`••••${secret.slice(-4)}`);
    const stored = await emulator.stored(sandbox.id, "DATADOG");
    expect(stored?.apiKey, `${label}: the write reached Atlas`).toBe(secret);
    expect(stored?.region).toBe(writes === 0 || writes % 2 === 0 ? "US" : "EU");
    writes += 1;
  }

  await work("both replicas up");
  const [oldKey, nextKey] = [stack.keys[0], newKey()];
  // The rotation as README.md says: the new key first added second (opens, does not seal),
  // then moved first (seals), one replica at a time; the old key stays to open older records.
  for (const keys of [[oldKey, nextKey], [nextKey, oldKey]]) {
    stack.keys = keys;
    for (const i of [0, 1]) {
      expect(await stack.stopReplica(i), `replica ${i + 1} stops cleanly`).toBe(0);
      await work(`replica ${i + 1} down`);
      await stack.startReplica(i);
      // nginx leaves a replica that refused a connection out for fail_timeout (2 s,
      // deploy/nginx.conf): the rolling restart README.md describes waits that long.
      await new Promise((r) => setTimeout(r, 2_500));
      await work(`replica ${i + 1} back with keys ${keys[0] === oldKey ? "OLD,NEW" : "NEW,OLD"}`);
    }
  }
  expect(await sessionCookie(page), "still the same session").toBe(signedIn);

  // The journal of the dashboard's writes is in Redis: after both replicas restarted, the
  // project's history still knows each write's type (issue #27).
  await visit(page, `/projects/${sandbox.id}/history`);
  const journaled = page.locator('table.history-list tbody tr[data-journaled="true"][data-type="DATADOG"]');
  await expect(journaled).toHaveCount(writes);

  // Each replica, asked directly, opens this session under the rotated keys. Which replica
  // nginx's round-robin gave each of the browser's requests depends on what else (assets,
  // redirects) came between them, so the check asks each one rather than counting on it.
  for (const i of [0, 1]) {
    const answer = await request.get(`http://127.0.0.1:${PORTS.replicas[i]}/projects/${sandbox.id}`, {
      headers: { cookie: `${SESSION_COOKIE}=${signedIn}`, accept: "text/html" },
      maxRedirects: 0,
    });
    expect(answer.status(), `replica ${i + 1} opens the session`).toBe(200);
    expect(await answer.text()).toContain("Sandbox");
    const metrics = await stack.metrics(i);
    expect(metrics).toMatch(/dashboard_requests_total\{method="GET",route="\/projects\/\{group_id\}",status="200"\} [1-9]/);
    expect(metrics).toMatch(/dashboard_sessions [1-9]/);
    expect(metrics).not.toContain(sandbox.id);
  }
});

test("a logout on one replica ends the session on every replica, and revokes its token", async ({ page, demo, emulator, request }) => {
  secrets.add(demo.serviceAccount.clientSecret);
  await signIn(page, demo, "Service account");
  const cookie = await sessionCookie(page);
  const direct = (i: number) =>
    request.get(`http://127.0.0.1:${PORTS.replicas[i]}/`, {
      headers: { cookie: `${SESSION_COOKIE}=${cookie}`, accept: "text/html" },
      maxRedirects: 0,
    });
  for (const i of [0, 1]) expect((await direct(i)).status(), `replica ${i + 1} serves the session`).toBe(200);

  const revokedBefore = (await emulator.counters()).byRoute["POST /api/oauth/revoke"] ?? 0;
  const recordsBefore = stack.redisKeys().length;
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  expect(stack.redisKeys().length, "logout deletes the record").toBe(recordsBefore - 1);
  for (const i of [0, 1]) {
    const res = await direct(i);
    expect(res.status(), `replica ${i + 1} no longer knows the session`).toBe(303);
    expect(res.headers()["location"]).toMatch(/^\/login/);
  }
  expect((await emulator.counters()).byRoute["POST /api/oauth/revoke"]).toBe(revokedBefore + 1);
});

/** The generated fleet's project ids (EMULATOR_PROJECTS in the stack). */
const FLEET = Array.from({ length: 100 }, (_, i) => `6a000000${i.toString(16).padStart(16, "0")}`);
const POST = "POST /api/atlas/v2/groups/{groupId}/integrations/{integrationType}";

test("a fleet run through nginx survives the SIGKILL of the replica working it, and a rolling restart: Atlas ends as previewed, no POST repeated", async ({ page, demo, emulator }) => {
  test.setTimeout(240_000);
  // A bearer token: no Digest challenges, so the emulator's POSTs are exactly the creates.
  await signIn(page, demo, "Service account");
  const apply = new ApplyPage(page);
  const posts = async () => (await emulator.counters()).byRoute[POST] ?? 0;
  const postsBefore = await posts();
  // Slow POSTs and PUTs, so the run is under way when its replica goes.
  await emulator.addFault({ method: "POST", latencyMs: 250 });
  await emulator.addFault({ method: "PUT", latencyMs: 250 });

  async function run(region: string, mode: string): Promise<string> {
    const key = `11111111-2222-3333-4444-5555555${region === "EU" ? "50100" : "50200"}`;
    secrets.add(key);
    await apply.open("OPS_GENIE", FLEET);
    await apply.input("API key").fill(key);
    await apply.input("Region").selectOption(region);
    await page.getByRole("radio", { name: mode }).check();
    const runPage = await apply.preview();
    await page.getByRole("button", { name: "Confirm and send" }).click();
    await expect(runPage.status).toContainText("Sending", { timeout: 10_000 });
    return page.url().split("/").pop()!;
  }

  async function finished(runId: string) {
    await expect(page.locator("p.run-status")).toContainText("Finished.", { timeout: 120_000 });
    await expect(page.locator("p.run-status")).toContainText("100 done, 0 failed, 0 skipped, 0 not sent, 0 to go");
    await expect(page.locator("table.fleet-run tbody tr")).toHaveCount(100);
    expect(runId).toMatch(/^[0-9a-f]{32}$/);
  }

  // 1. SIGKILL of the replica working the run, once it has written some projects.
  const first = await run("EU", "Create where missing only");
  await expect.poll(posts, { timeout: 30_000 }).toBeGreaterThan(postsBefore + 15);
  const working = stack.replicaSaying(first);
  expect(working, "the log of the replica working the run names it").not.toBeNull();
  const killedAt = Date.now();
  await stack.killReplica(working!);
  const postsAtKill = await posts();
  await expect.poll(posts, { timeout: 30_000 }).toBeGreaterThan(postsAtKill);
  console.log(`takeover: writes went on ${Date.now() - killedAt} ms after the kill`);
  await finished(first);
  await stack.startReplica(working!);
  // Every project holds the previewed configuration, and each got exactly one POST.
  expect((await posts()) - postsBefore).toBe(100);
  for (const id of FLEET) {
    const stored = await emulator.stored(id, "OPS_GENIE");
    expect(stored?.region, id).toBe("EU");
  }

  // 2. A graceful rolling restart of both replicas during one run (an update of all 100).
  const second = await run("US", "Update where configured only");
  for (const i of [0, 1]) {
    await stack.stopReplica(i);
    await stack.startReplica(i);
  }
  await finished(second);
  expect((await posts()) - postsBefore, "an update sends no POST").toBe(100);
  for (const id of FLEET) {
    const stored = await emulator.stored(id, "OPS_GENIE");
    expect(stored?.region, id).toBe("US");
  }
  await emulator.clearFaults();
});

test("Redis holds no credential, secret or session cookie in clear", async ({ demo }) => {
  const dump = stack.redisDump();
  const keys = stack.redisKeys();
  expect(keys.length, "the tests' sessions are there to scan").toBeGreaterThan(0);
  // The scan can see what is stored: the record's plain fields are in the dump as written.
  expect(dump.includes(Buffer.from("renewed_at"))).toBe(true);
  for (const s of [...secrets, demo.apiKey.publicKey, demo.serviceAccount.clientId]) {
    expect(dump.includes(Buffer.from(s)), `"${s.slice(0, 6)}…" in the Redis dump`).toBe(false);
    expect(keys).not.toContain(s);
  }
  for (const log of [...stack.logs, ...stack.replicas.map((r) => r?.output ?? "")]) {
    for (const s of secrets) expect(log.includes(s), `"${s.slice(0, 6)}…" in a replica's log`).toBe(false);
  }
  // Redis drops each record by itself at the session's idle end (30 minutes by default);
  // the journal of writes (one key, each entry sealed: the scan above found nothing) at its
  // retention, 90 days after its last write.
  // The fleet runs (four keys, all but their bookkeeping sealed) 30 minutes after the last
  // change to any run.
  const JOURNAL = "atlas-integrations:journal:v1";
  expect(keys, "the tests' writes are in the journal").toContain(JOURNAL);
  expect(keys, "the fleet runs are kept in Redis").toContain("atlas-integrations:runs:v1:meta");
  for (const key of keys) {
    const ttl = stack.redisTtl(key);
    expect(ttl, `TTL of ${key === JOURNAL ? "the journal" : key.includes(":runs:") ? key : "a session record"}`).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(key === JOURNAL ? 90 * 24 * 3600 : 30 * 60);
  }
});

test("a replica whose Redis is gone is not ready, says no more than that, and recovers", async ({ request }) => {
  const probe = (i: number, what: string) => request.get(`http://127.0.0.1:${PORTS.replicas[i]}/${what}`);
  await stack.stopRedis();
  for (const i of [0, 1]) {
    const ready = await probe(i, "readyz");
    expect(ready.status()).toBe(503);
    expect(await ready.text()).toBe("not ok\n");
    expect((await probe(i, "healthz")).status(), "the process itself still answers").toBe(200);
  }
  await stack.startRedis();
  for (const i of [0, 1]) {
    await expect.poll(async () => (await probe(i, "readyz")).status(), { timeout: 10_000 }).toBe(200);
  }
});
