// Load with integrity (issue #13), as a team uses the dashboard: SESSIONS browser sessions at
// once for SECONDS, half signed in with an API key and half with a service account, each on
// a project of its own. Each session repeats cycles until the time is up: pick one of four
// integration types with secrets (PagerDuty, Datadog, Opsgenie, webhook with secret), create
// it if the project lacks it, update it with values unique to this cycle (one update in
// three leaves the secrets blank, so Atlas must keep them), read the project back and
// compare every integration on it with what this session wrote (secrets as the hints the
// dashboard shows), and delete it one cycle in four. Every 40 cycles a session signs out and
// in again. At the end every session signs out. A second wave, half as long, does the same
// on the same server (memory: see RSS_MARGIN_MIB). Then the emulator's stored state (secrets
// in clear, test hook) must equal what the sessions did, integration by integration.
//
// Everything the clients saw is written to OUT/traffic.ndjson (status, headers, body of
// every answer) and every secret the run used to OUT/secrets.json, for scripts/leak-scan.
// Started by scripts/load-sessions, which starts the dashboard, the emulator and the tap.
//
// Usage: node scripts/load-sessions.mjs --dashboard URL --emulator URL --sessions N
//          --seconds S --pid DASHBOARD_PID --out DIR
// Environment: EMULATOR_HOOK_TOKEN (sent as x-emulator-token on every /_emulator/* call).

import fs from "node:fs";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    dashboard: { type: "string" },
    emulator: { type: "string" },
    sessions: { type: "string", default: "200" },
    seconds: { type: "string", default: "180" },
    pid: { type: "string" },
    out: { type: "string" },
  },
});
const { dashboard, emulator, pid, out } = args;
const SESSIONS = Number(args.sessions);
const SECONDS = Number(args.seconds);
const HOOK_TOKEN = process.env.EMULATOR_HOOK_TOKEN ?? "";
// Memory. After the first wave the dashboard's RSS may exceed its baseline by at most
// RSS_MARGIN_MIB: the allocator keeps freed pages and the runtime keeps its grown buffers,
// so it does not return to the start-up figure (measured: 13 MiB at start, 42 MiB after
// 200 sessions, and no higher after a second wave). A leak is told from that by a
// second wave, half as long, on the same server: memory held per call, session or
// credential would grow again, by about half the first wave's growth; retained pages do
// not. The second wave may add at most SECOND_WAVE_MARGIN_MIB. Figures in docs/proofs.md.
const RSS_MARGIN_MIB = 64;
const SECOND_WAVE_MARGIN_MIB = 8;
// Long enough for the dashboard to give freed memory back (crates/dashboard-core/src/web/memory.rs: every 10 s
// after sessions ended); the smoke in scripts/test shortens it.
const SETTLE_MS = Number(process.env.LOAD_SETTLE_MS ?? 12000);

// ---- helpers -----------------------------------------------------------------------------

const hook = async (path, init = {}) => {
  const res = await fetch(`${emulator}/_emulator/${path}`, {
    ...init,
    headers: { "x-emulator-token": HOOK_TOKEN, ...(init.headers ?? {}) },
  });
  if (!res.ok) throw new Error(`/_emulator/${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const rand = (n) => Array.from(randomBytes(n), (b) => ALNUM[b % 62]).join("");
const hex = (n) => randomBytes(Math.ceil(n / 2)).toString("hex").slice(0, n);
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
// Generated project i (the emulator's --projects): "6a000000" then i in hex, 16 digits.
const projectId = (i) => "6a000000" + i.toString(16).padStart(16, "0");
// The dashboard's hint for a secret: Atlas's mask (all but the last four) shown as four dots.
const hint = (s) => "••••" + s.slice(-4);
const urlHint = (u) => {
  const m = /^(https?:\/\/[^/]+)\/(.*)$/.exec(u);
  return `${m[1]}/${hint(m[2])}`;
};
// Canonical JSON: object keys sorted, so two equal values print the same.
const canon = (v) =>
  Array.isArray(v) ? `[${v.map(canon).join(",")}]`
  : v && typeof v === "object" ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(",")}}`
  : JSON.stringify(v);

const seed = JSON.parse(fs.readFileSync(`${out}/seed.json`, "utf8"));
const apiKey = seed.apiKeys[0];
const serviceAccount = seed.serviceAccounts[0];

// Every secret the run uses, by kind, for scripts/leak-scan.
const secrets = [];
const remember = (kind, value, session) => secrets.push({ kind, value, session });
remember("api key private key", apiKey.privateKey);
remember("service account client secret", serviceAccount.clientSecret);
remember("emulator hook token", HOOK_TOKEN);
// The demo credentials do not exist in this run (the seed replaces them); they must not
// turn up either.
const demo = await hook("demo");
remember("demo api key private key", demo.apiKey.privateKey);
remember("demo service account client secret", demo.serviceAccount.clientSecret);

// ---- the integration types a session writes --------------------------------------------------

// Each type: fresh values for a cycle (stored = what Atlas must hold, form = what the page
// posts, secrets = [name, value] the run must never see again), and the view the dashboard
// must answer for a stored configuration. Every field is posted on every write, as the form
// does (a toggle left out is off).
const DATADOG_REGIONS = ["US", "EU", "US3", "US5", "AP1", "US1_FED"];
const DATADOG_TOGGLES = ["sendCollectionLatencyMetrics", "sendDatabaseMetrics", "sendQueryStatsMetrics", "sendUserProvidedResourceTags"];
const secretView = (s) => (s === undefined ? {} : { Secret: { hint: hint(s) } });
// A field Atlas does not hold is not in the view (a generated project's webhook has no secret).
const present = (entries) => Object.fromEntries(entries.filter(([, v]) => v !== undefined));
const TYPES = {
  PAGER_DUTY: {
    fresh: (tag) => ({ secrets: { serviceKey: `pd-${tag}-${rand(24)}` }, plain: { region: pick(["US", "EU"]) } }),
    view: (s) => present([["serviceKey", s.serviceKey && secretView(s.serviceKey)], ["region", s.region && { Text: s.region }]]),
  },
  DATADOG: {
    // Hexadecimal only (Atlas's rule), so no tag: 32 random hex digits are unique enough.
    fresh: () => ({
      secrets: { apiKey: hex(32) },
      plain: { region: pick(DATADOG_REGIONS), ...Object.fromEntries(DATADOG_TOGGLES.map((t) => [t, Math.random() < 0.5])) },
    }),
    view: (s) =>
      present([
        ["apiKey", s.apiKey && secretView(s.apiKey)],
        ["region", s.region && { Text: s.region }],
        ...DATADOG_TOGGLES.map((t) => [t, s[t] === undefined ? undefined : { Bool: s[t] }]),
      ]),
  },
  OPS_GENIE: {
    fresh: (tag) => ({ secrets: { apiKey: `og-${tag}-${rand(24)}` }, plain: { region: pick(["US", "EU"]) } }),
    view: (s) => present([["apiKey", s.apiKey && secretView(s.apiKey)], ["region", s.region && { Text: s.region }]]),
  },
  WEBHOOK: {
    // The URL's path is a secret too (Atlas shows scheme and host only, and the last four).
    fresh: (tag, session) => ({
      secrets: { url: `https://hooks-${session}.example.com/u-${tag}-${rand(24)}`, secret: `wh-${tag}-${rand(24)}` },
      plain: {},
    }),
    view: (s) =>
      present([["url", s.url && { Secret: { hint: urlHint(s.url) } }], ["secret", s.secret && secretView(s.secret)]]),
  },
};
// The dashboard lists integrations in the registry's order.
const REGISTRY_ORDER = ["PAGER_DUTY", "DATADOG", "OPS_GENIE", "WEBHOOK"];
// The secret part of a value, as the leak scan must look for it: the webhook URL's host is
// shown on purpose, its path is not.
const secretPart = (name, value) => (name === "url" ? value.replace(/^https?:\/\/[^/]+\//, "") : value);

// ---- calls, recorded ---------------------------------------------------------------------

const calls = new Map(); // endpoint -> { ok, failed, ms: [] }
const failures = [];
const traffic = fs.createWriteStream(`${out}/traffic.ndjson`);
let recorded = 0;
const fail = (session, endpoint, what) => failures.push({ session: session.index, method: session.method, endpoint, what });

async function call(session, endpoint, form, { expect = 200, label = endpoint } = {}) {
  const started = performance.now();
  let res;
  let body;
  try {
    res = await fetch(`${dashboard}/api/${endpoint}`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
        "sec-fetch-site": "same-origin",
        ...(session.cookie ? { cookie: session.cookie } : {}),
      },
      body: new URLSearchParams(form).toString(),
      redirect: "manual",
    });
    body = await res.text();
  } catch (e) {
    stats(label, performance.now() - started, false);
    fail(session, label, `no answer: ${e.cause?.code ?? e.message}`);
    return null;
  }
  const ms = performance.now() - started;
  const headers = [...res.headers];
  traffic.write(JSON.stringify({ n: recorded++, session: session.index, endpoint: label, status: res.status, headers, body }) + "\n");
  for (const c of res.headers.getSetCookie()) {
    const pair = c.split(";")[0];
    const cleared = /Max-Age=0/i.test(c) || pair.endsWith("=");
    session.cookie = cleared ? undefined : pair;
    if (!cleared) remember("dashboard session cookie", pair.slice(pair.indexOf("=") + 1), session.index);
  }
  const ok = res.status === expect;
  stats(label, ms, ok);
  if (!ok) fail(session, label, `status ${res.status} (expected ${expect}): ${body.slice(0, 300)}`);
  return ok ? body : null;
}

// A page as the browser loads it (server-rendered HTML with the islands' props): recorded
// like the server functions, since a page is where a secret would most easily slip out.
async function page(session, endpoint, path) {
  const started = performance.now();
  let res;
  let body;
  try {
    res = await fetch(`${dashboard}${path}`, { headers: session.cookie ? { cookie: session.cookie } : {}, redirect: "manual" });
    body = await res.text();
  } catch (e) {
    stats(endpoint, performance.now() - started, false);
    fail(session, endpoint, `no answer: ${e.cause?.code ?? e.message}`);
    return;
  }
  traffic.write(JSON.stringify({ n: recorded++, session: session.index, endpoint, status: res.status, headers: [...res.headers], body }) + "\n");
  stats(endpoint, performance.now() - started, res.status === 200);
  if (res.status !== 200) fail(session, endpoint, `status ${res.status}`);
}

function stats(endpoint, ms, ok) {
  const s = calls.get(endpoint) ?? { ok: 0, failed: 0, ms: [] };
  calls.set(endpoint, s);
  s.ms.push(ms);
  if (ok) s.ok += 1;
  else s.failed += 1;
}

// ---- one person --------------------------------------------------------------------------

const expected = new Map(); // group id -> Map(type -> stored values)
let cycles = 0;

async function signIn(session) {
  const sa = session.method === "service_account";
  const form = {
    method: session.method,
    public_id: sa ? serviceAccount.clientId : apiKey.publicKey,
    secret: sa ? serviceAccount.clientSecret : apiKey.privateKey,
  };
  // Four sessions first type a wrong secret of the right shape (which must not be echoed or
  // logged either): 401. Four stays under the sign-in throttle's free failures per address.
  // First wave only: the throttle's count per address lasts 15 minutes.
  if (session.index < 4 && session.wave === 1 && !session.triedWrong) {
    session.triedWrong = true;
    const wrong = sa ? `mdb_sa_sk_${rand(32)}` : `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
    remember("mistyped sign-in secret", wrong, session.index);
    await call(session, "session/login", { ...form, secret: wrong }, { expect: 401, label: "session/login (wrong secret)" });
  }
  await call(session, "session/login", form);
}

// The project as this session wrote it, as the dashboard must show it.
const expectedViews = (mine) =>
  REGISTRY_ORDER.filter((t) => mine.has(t)).map((t) => ({ kind: t, values: TYPES[t].view(mine.get(t)) }));

function check(session, endpoint, got, mine, what) {
  if (got === undefined) return;
  const want = canon(expectedViews(mine));
  if (canon(got) !== want) {
    fail(session, endpoint, `${what}: read ${canon(got).slice(0, 400)} but this session wrote ${want.slice(0, 400)}`);
  }
}

const parse = (body) => (body === null ? undefined : JSON.parse(body));

async function person(index, deadline, initial, wave) {
  const session = { index, wave, method: index % 2 === 1 ? "service_account" : "api_key" };
  const group_id = projectId(index);
  // What the generated project starts with (every 3rd has PAGER_DUTY, 5th DATADOG, 7th WEBHOOK).
  const mine = new Map((initial.get(group_id) ?? []).map(({ type, id, ...fields }) => [type, fields]));
  expected.set(group_id, mine);
  await signIn(session);
  for (let cycle = 1; performance.now() < deadline; cycle++) {
    cycles += 1;
    const type = REGISTRY_ORDER[(index + cycle) % REGISTRY_ORDER.length];
    const tag = `${index.toString(36)}.${cycle.toString(36)}`;
    const write = async (endpoint, keepSecrets) => {
      const v = TYPES[type].fresh(tag, index);
      const form = { group_id, kind: type };
      const stored = { ...(mine.get(type) ?? {}), ...v.plain };
      for (const [k, value] of Object.entries(v.plain)) if (value !== false) form[`values[${k}]`] = String(value);
      if (!keepSecrets) {
        for (const [k, value] of Object.entries(v.secrets)) {
          form[`values[${k}]`] = value;
          stored[k] = value;
          remember(`${type} ${k}`, secretPart(k, value), index);
        }
      }
      const body = await call(session, endpoint, form);
      if (body !== null) mine.set(type, stored);
      check(session, endpoint, parse(body), mine, `answer to ${endpoint} ${type}`);
    };
    if (!mine.has(type)) await write("integrations/create", false);
    if (mine.has(type)) await write("integrations/update", cycle % 3 === 0);
    const list = parse(await call(session, "integrations/list", { group_id }));
    check(session, "integrations/list", list?.integrations, mine, `read-back after cycle ${cycle}`);
    if (cycle % 10 === 0) {
      await page(session, "page /projects/{id}", `/projects/${group_id}`);
      if (mine.has(type)) await page(session, "page /projects/{id}/integrations/{type}", `/projects/${group_id}/integrations/${type}`);
    }
    if (mine.has(type) && cycle % 4 === 0) {
      if ((await call(session, "integrations/delete", { group_id, kind: type })) !== null) mine.delete(type);
    }
    if (cycle % 40 === 0) {
      await call(session, "session/logout", {});
      await signIn(session);
    }
  }
  await call(session, "session/logout", {});
}

// ---- memory ------------------------------------------------------------------------------

const memory = () => {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)[1]);
  return { rss: kib("VmRSS"), hwm: kib("VmHWM") };
};
const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;

// ---- the run -----------------------------------------------------------------------------

// One wave: every session at once until the time is up, then all signed out. Each session
// starts from what its project holds now.
async function wave(number, seconds) {
  const initial = new Map((await hook("state")).projects.map((p) => [p.id, p.integrations ?? []]));
  const started = performance.now();
  await Promise.all(Array.from({ length: SESSIONS }, (_, i) => person(i, started + seconds * 1000, initial, number)));
  return (performance.now() - started) / 1000;
}
const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));

await hook("counters/reset", { method: "POST" });
const baseline = memory();
let peakRss = baseline.rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, memory().rss);
}, 200);

const seconds = await wave(1, SECONDS);
const upstream = await hook("counters");
await settle();
const after = memory();
peakRss = Math.max(peakRss, after.hwm);
// Figures of the first wave; the second is summed up on its own.
const firstWave = { calls: new Map(calls), cycles, failures: failures.length };
calls.clear();
cycles = 0;
const secondSeconds = await wave(2, SECONDS / 2);
await settle();
clearInterval(sampler);
const afterSecond = memory();
const secondWave = { calls: [...calls.values()].reduce((n, s) => n + s.ok + s.failed, 0), cycles };

// The emulator's stored state must be exactly what the sessions did: the same types on each
// project, every field equal, secrets in clear.
const state = await hook("state");
const stateMismatches = [];
const stored = new Map(state.projects.map((p) => [p.id, p.integrations ?? []]));
for (const [groupId, mine] of expected) {
  const theirs = new Map((stored.get(groupId) ?? []).map(({ type, id, ...fields }) => [type, fields]));
  for (const type of new Set([...mine.keys(), ...theirs.keys()])) {
    const want = mine.has(type) ? canon(mine.get(type)) : "(none)";
    const got = theirs.has(type) ? canon(theirs.get(type)) : "(none)";
    // Shown without secret values: only whether they differ and where.
    if (want !== got) stateMismatches.push(`${groupId} ${type}: the emulator holds ${theirs.has(type) ? "other values" : "nothing"}, the session left ${mine.has(type) ? "a configuration" : "nothing"}`);
  }
}
const storedIntegrations = [...expected.keys()].reduce((n, g) => n + (stored.get(g)?.length ?? 0), 0);

await new Promise((r) => traffic.end(r));
fs.writeFileSync(`${out}/secrets.json`, JSON.stringify(secrets));

// ---- figures -----------------------------------------------------------------------------

const pct = (ms, p) => {
  const s = [...ms].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
let total = 0;
let failedCalls = 0;
const all = [];
console.log(`${SESSIONS} sessions (${Math.ceil(SESSIONS / 2)} API key, ${Math.floor(SESSIONS / 2)} service account) for ${seconds.toFixed(1)} s: ${firstWave.cycles} cycles`);
console.log("endpoint                   ok  failed  p50 ms  p95 ms  max ms");
for (const [endpoint, s] of [...firstWave.calls].sort()) {
  total += s.ok + s.failed;
  failedCalls += s.failed;
  for (const ms of s.ms) all.push(ms);
  const f = (p) => pct(s.ms, p).toFixed(0).padStart(6);
  console.log(`${endpoint.padEnd(22)} ${String(s.ok).padStart(6)}  ${String(s.failed).padStart(6)}  ${f(50)}  ${f(95)}  ${s.ms.reduce((a, b) => Math.max(a, b)).toFixed(0).padStart(6)}`);
}
console.log(`${total} calls (${(total / seconds).toFixed(0)}/s), ${failedCalls} failed; all calls: p50 ${pct(all, 50).toFixed(0)} ms, p95 ${pct(all, 95).toFixed(0)} ms, max ${all.reduce((a, b) => Math.max(a, b)).toFixed(0)} ms`);
console.log(`upstream (emulator) requests: ${upstream.total} (${(upstream.total / total).toFixed(2)} per call)`);
for (const [route, n] of Object.entries(upstream.byRoute).sort()) console.log(`  ${String(n).padStart(7)}  ${route}`);
console.log(`  by auth: ${Object.entries(upstream.byAuth).map(([k, n]) => `${k} ${n}`).join(", ")}`);
console.log(`final state: ${expected.size} projects, ${storedIntegrations} integrations held, ${stateMismatches.length} mismatches with what the sessions did`);
const grown = after.rss - baseline.rss;
const grownSecond = afterSecond.rss - after.rss;
const signed = (kib) => `${kib >= 0 ? "+" : ""}${mib(kib)}`;
console.log(`dashboard memory (VmRSS): baseline ${mib(baseline.rss)}, peak ${mib(peakRss)} (VmHWM), after sign-out + ${SETTLE_MS / 1000} s ${mib(after.rss)} (${signed(grown)}; allowed +${RSS_MARGIN_MIB} MiB)`);
console.log(`second wave on the same server (${SESSIONS} sessions for ${secondSeconds.toFixed(1)} s: ${secondWave.cycles} cycles, ${secondWave.calls} calls, ${failures.length - firstWave.failures} failed): after it ${mib(afterSecond.rss)} (${signed(grownSecond)}; allowed +${SECOND_WAVE_MARGIN_MIB} MiB)`);
console.log(`recorded: ${recorded} answers in ${out}/traffic.ndjson, ${secrets.length} secrets in ${out}/secrets.json`);

const problems = [];
if (failures.length) problems.push(`${failures.length} failures`);
if (stateMismatches.length) problems.push(`${stateMismatches.length} state mismatches`);
if (grown > RSS_MARGIN_MIB * 1024) problems.push(`memory after the run ${mib(grown)} above the baseline`);
if (grownSecond > SECOND_WAVE_MARGIN_MIB * 1024) problems.push(`memory grew by ${mib(grownSecond)} again in the second wave`);
if (firstWave.cycles < SESSIONS) problems.push(`only ${firstWave.cycles} cycles for ${SESSIONS} sessions`);
for (const f of failures.slice(0, 20)) console.log("FAILED", JSON.stringify(f));
for (const m of stateMismatches.slice(0, 20)) console.log("STATE", m);
if (problems.length) {
  console.log(`load with integrity: FAILED (${problems.join("; ")})`);
  process.exit(1);
}
console.log("load with integrity: passed");
