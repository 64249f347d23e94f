// Leak scan (issue #13): no test secret or credential in any answer the clients saw (body or
// header), in any log line, or, for what the emulator must not keep, in its state file.
// Reads what scripts/load-sessions recorded in DIR:
//   secrets.json      every secret the run used: the run's API key and service account
//                     secrets, the demo ones (absent from the run, so they must not turn up),
//                     the emulator hook token, mistyped sign-in secrets, dashboard session
//                     cookies, every integration secret written
//   oauth-tokens.txt  every OAuth access token the emulator issued (scripts/atlas-tap.mjs)
//   traffic.ndjson    every answer the clients saw: status, headers, body
//   *.log             the dashboard's (RUST_LOG=debug), the emulator's and the tap's logs
//   state.json        the emulator's --state file
// A leak is a secret whole or any piece of it longer than WINDOW - 1 characters: the
// dashboard shows secrets as hints of their last four (••••abcd), and every test secret is
// at least 20 characters of random text, so a 9-character piece turns up only by leaking.
// Exits 1 naming the exact place of each leak (file and line, or the answer's number,
// endpoint and header), the secret shown only as its first three characters and length.
//
// Usage: node scripts/leak-scan.mjs DIR

import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
const WINDOW = 9;

const secrets = JSON.parse(fs.readFileSync(path.join(dir, "secrets.json"), "utf8"));
for (const token of fs.readFileSync(path.join(dir, "oauth-tokens.txt"), "utf8").split("\n")) {
  if (token) secrets.push({ kind: "OAuth access token", value: token });
}
// The session cookie goes back to its owner in Set-Cookie, and nowhere else.
const COOKIE = "dashboard session cookie";
// What the emulator's state file holds on purpose, being Atlas's own storage: the
// credentials it verifies and the integrations' secrets. The rest must not be in it.
const STORED_BY_DESIGN = (kind) =>
  kind === "api key private key" || kind === "service account client secret" || /^[A-Z_]+ [a-zA-Z]+$/.test(kind);

// Every piece of every secret. A piece two different secrets share is structure, not secret
// (the service account's `mdb_sa_sk_` prefix), and is not looked for; every other piece
// holds random characters of one secret only.
const windows = new Map(); // piece -> index into secrets, or -1 when shared
secrets.forEach((s, i) => {
  if (s.value.length < WINDOW) throw new Error(`a test secret (${s.kind}) is shorter than ${WINDOW} characters`);
  for (let k = 0; k + WINDOW <= s.value.length; k++) {
    const piece = s.value.slice(k, k + WINDOW);
    const other = windows.get(piece);
    windows.set(piece, other === undefined || secrets[other]?.value === s.value ? i : -1);
  }
});
let shared = 0;
for (const [piece, i] of windows) {
  if (i === -1) {
    windows.delete(piece);
    shared += 1;
  }
}

const leaks = [];
const shown = (s) => `${s.kind} ${s.value.slice(0, 3)}… (${s.value.length} chars${s.session === undefined ? "" : `, session ${s.session}`})`;
// Every leak in `text`, one per secret, reported at `where`; `allowed(secret)` skips a
// secret that may be there.
function scan(text, where, allowed = () => false) {
  const found = new Set();
  for (let k = 0; k + WINDOW <= text.length; k++) {
    const i = windows.get(text.slice(k, k + WINDOW));
    if (i === undefined || found.has(i) || allowed(secrets[i])) continue;
    found.add(i);
    leaks.push(`${where}, column ${k + 1}: ${shown(secrets[i])}`);
  }
  return found;
}
// Log lines carry colour codes between fields; a secret split by one still leaks.
const plain = (line) => line.replace(/\x1b\[[0-9;]*m/g, "");

// Answers: every header and the body.
let answers = 0;
let bytes = 0;
for (const line of fs.readFileSync(path.join(dir, "traffic.ndjson"), "utf8").split("\n")) {
  if (!line) continue;
  const a = JSON.parse(line);
  answers += 1;
  const where = `traffic.ndjson answer #${a.n} (session ${a.session}, ${a.endpoint}, ${a.status})`;
  for (const [name, value] of a.headers) {
    bytes += value.length;
    scan(value, `${where} header ${name}`, (s) => name === "set-cookie" && s.kind === COOKIE);
  }
  bytes += a.body.length;
  scan(a.body, `${where} body`);
}

// Logs, line by line.
const logs = fs.readdirSync(dir).filter((f) => f.endsWith(".log")).sort();
let logLines = 0;
for (const file of logs) {
  const lines = fs.readFileSync(path.join(dir, file), "utf8").split("\n");
  lines.forEach((line, k) => {
    logLines += 1;
    bytes += line.length;
    scan(plain(line), `${file} line ${k + 1}`);
  });
}

// The state file: what it holds by design is counted, not reported.
const state = fs.readFileSync(path.join(dir, "state.json"), "utf8");
const held = [...scan(state, "state.json", (s) => STORED_BY_DESIGN(s.kind))].length;
const storedByDesign = new Map();
{
  const found = new Set();
  for (let k = 0; k + WINDOW <= state.length; k++) {
    const i = windows.get(state.slice(k, k + WINDOW));
    if (i !== undefined && STORED_BY_DESIGN(secrets[i].kind)) found.add(i);
  }
  for (const i of found) {
    const kind = secrets[i].kind.replace(/^[A-Z_]+ [a-zA-Z]+$/, "integration secret");
    storedByDesign.set(kind, (storedByDesign.get(kind) ?? 0) + 1);
  }
}
const doc = JSON.parse(state);

const byKind = new Map();
for (const s of secrets) byKind.set(s.kind, (byKind.get(s.kind) ?? 0) + 1);
console.log(`leak scan of ${dir}: ${secrets.length} secrets (${[...byKind].map(([k, n]) => `${n} ${k}`).join(", ")})`);
console.log(`${windows.size} pieces of ${WINDOW} characters looked for (${shared} shared by two secrets left out)`);
console.log(`scanned: ${answers} answers (headers and bodies), ${logLines} log lines in ${logs.join(", ")}, state.json (${state.length} bytes); ${(bytes / 1e6).toFixed(1)} MB in all`);
console.log(
  `state.json holds, by design: ${doc.apiKeys?.length ?? 0} API keys and ${doc.serviceAccounts?.length ?? 0} service accounts with their secrets, ` +
    `${doc.projects.reduce((n, p) => n + (p.integrations?.length ?? 0), 0)} integrations with theirs; test secrets found there: ` +
    `${[...storedByDesign].map(([k, n]) => `${n} ${k}`).join(", ") || "none"}; anything else (tokens, session cookies, hook token): ${held}`,
);
for (const leak of leaks.slice(0, 50)) console.log(`LEAK ${leak}`);
if (leaks.length) {
  console.log(`leak scan: FAILED (${leaks.length} leaks${leaks.length > 50 ? ", first 50 shown" : ""})`);
  process.exit(1);
}
console.log("leak scan: passed (no test secret in any answer, log line, or where the state file must not hold it)");
