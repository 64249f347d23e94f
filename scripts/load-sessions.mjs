// Many people at once, as a team uses the dashboard: SESSIONS browser sessions against a
// running dashboard, half signed in with the demo API key and half with the demo service
// account, each on a project of its own: sign in, list, create an Opsgenie integration,
// list, update it, list, read it, list, delete it, list, sign out. Every call must succeed.
// Started by scripts/load-sessions, which runs the release binary with the emulator.
//
// Usage: node scripts/load-sessions.mjs DASHBOARD_URL EMULATOR_URL SESSIONS

const [dashboard, emulator, sessionsArg] = process.argv.slice(2);
const SESSIONS = Number(sessionsArg ?? 200);

const demo = await (await fetch(`${emulator}/_emulator/demo`)).json();
// Generated project i (the emulator's --projects): "6a000000" then i in hex, 16 digits.
const projectId = (i) => "6a000000" + i.toString(16).padStart(16, "0");

const calls = new Map(); // endpoint -> { ok, failed, ms: [] }
const failures = [];

async function call(session, endpoint, form) {
  const started = performance.now();
  const res = await fetch(`${dashboard}/api/${endpoint}`, {
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
  const body = await res.text();
  for (const c of res.headers.getSetCookie()) {
    const pair = c.split(";")[0];
    session.cookie = /Max-Age=0/i.test(c) || pair.endsWith("=") ? undefined : pair;
  }
  const stats = calls.get(endpoint) ?? { ok: 0, failed: 0, ms: [] };
  calls.set(endpoint, stats);
  stats.ms.push(performance.now() - started);
  if (res.status === 200) {
    stats.ok += 1;
  } else {
    stats.failed += 1;
    failures.push({ session: session.index, method: session.method, endpoint, status: res.status, body: body.slice(0, 300) });
  }
  return body;
}

async function person(index) {
  const sa = index % 2 === 1;
  const session = { index, method: sa ? "service_account" : "api_key" };
  const group_id = projectId(index);
  const list = () => call(session, "integrations/list", { group_id });
  await call(session, "session/login", {
    method: session.method,
    public_id: sa ? demo.serviceAccount.clientId : demo.apiKey.publicKey,
    secret: sa ? demo.serviceAccount.clientSecret : demo.apiKey.privateKey,
  });
  await list();
  await call(session, "integrations/create", {
    group_id, kind: "OPS_GENIE",
    "values[apiKey]": `load-${index.toString().padStart(6, "0")}-aaaa1111`,
    "values[region]": "US",
  });
  await list();
  await call(session, "integrations/update", { group_id, kind: "OPS_GENIE", "values[region]": "EU" });
  await list();
  // The update must show in what the page reads back.
  const read = await call(session, "integrations/list", { group_id });
  const opsGenie = JSON.parse(read).integrations?.find((i) => i.kind === "OPS_GENIE");
  if (opsGenie?.values?.region?.Text !== "EU") {
    failures.push({ session: session.index, method: session.method, endpoint: "integrations/list", status: 200, body: "OPS_GENIE region is not EU after the update" });
  }
  await list();
  await call(session, "integrations/delete", { group_id, kind: "OPS_GENIE" });
  await list();
  await call(session, "session/logout", {});
}

const started = performance.now();
await Promise.all(Array.from({ length: SESSIONS }, (_, i) => person(i)));
const seconds = (performance.now() - started) / 1000;

const pct = (ms, p) => {
  const s = [...ms].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(0);
};
let total = 0;
let failed = 0;
console.log(`${SESSIONS} sessions (${Math.ceil(SESSIONS / 2)} API key, ${Math.floor(SESSIONS / 2)} service account), all at once, in ${seconds.toFixed(1)} s`);
console.log("endpoint                 ok  failed  p50 ms  p95 ms");
for (const [endpoint, s] of calls) {
  total += s.ok + s.failed;
  failed += s.failed;
  console.log(`${endpoint.padEnd(22)} ${String(s.ok).padStart(4)}  ${String(s.failed).padStart(6)}  ${pct(s.ms, 50).padStart(6)}  ${pct(s.ms, 95).padStart(6)}`);
}
console.log(`${total} calls, ${failed} failed`);
for (const f of failures.slice(0, 20)) console.log("FAILED", JSON.stringify(f));
process.exit(failed === 0 ? 0 : 1);
