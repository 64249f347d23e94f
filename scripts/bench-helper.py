#!/usr/bin/env python3
"""The parts of scripts/bench that bash does badly: HTTP with keep-alive and threads (logins,
server-function calls), JSON, arithmetic, and the final table. Standard library only.

Every subcommand either prints what it measured or exits non-zero with a message on stderr;
the bench stops at the first failure, so no figure is ever printed from a failed step.

  bench-helper.py port
  bench-helper.py demo EMULATOR_URL                      -> shell assignments (credentials)
  bench-helper.py login BASE KIND PUBLIC SECRET          -> "name=value" session cookie
  bench-helper.py logins BASE N CONC KEY_ID KEY SA_ID SA [--logout]
  bench-helper.py calls BASE COOKIE GROUP N CONC
  bench-helper.py direct EMULATOR_URL TOKEN GROUP N CONC  (the same read straight to the emulator)
  bench-helper.py token EMULATOR_URL CLIENT_ID SECRET    -> bearer token
  bench-helper.py wrk OUTPUT_FILE                        -> the run's JSON, checked
  bench-helper.py upstream BEFORE.json AFTER.json CALLS  -> per-call JSON
  bench-helper.py page TIMES_FILE                        -> medians JSON
  bench-helper.py table WORK_DIR                         -> the markdown table
"""

import http.client
import json
import os
import re
import socket
import statistics
import sys
import threading
import urllib.parse
from base64 import b64encode

# A server-function call as the hydrated page makes it: same-origin fetch, JSON answer
# wanted (without `Accept: application/json` a form post is answered with a redirect).
SERVER_FN_HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded",
    "Accept": "application/json",
    "Sec-Fetch-Site": "same-origin",
}


def fail(message):
    print(f"bench-helper: {message}", file=sys.stderr)
    sys.exit(1)


def connection(base):
    url = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(url.hostname, url.port, timeout=30)


def request(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response, response.read()


def login(conn, kind, public_id, secret):
    """Signs in; returns the session cookie as "name=value"."""
    body = urllib.parse.urlencode({"method": kind, "public_id": public_id, "secret": secret})
    response, data = request(conn, "POST", "/api/session/login", body, SERVER_FN_HEADERS)
    if response.status != 200:
        fail(f"login ({kind}) answered {response.status}: {data[:200]!r}")
    cookie = response.getheader("Set-Cookie")
    if not cookie or "=" not in cookie:
        fail(f"login ({kind}) set no session cookie")
    return cookie.split(";", 1)[0]


def in_threads(count, concurrency, work):
    """Runs work(conn_index, n) for n in range(count) over `concurrency` threads, each with
    its own keep-alive connection; the first failure in any thread fails the whole run."""
    errors = []

    def worker(index):
        try:
            for n in range(index, count, concurrency):
                work(index, n)
        except SystemExit:
            errors.append(None)  # fail() has said why
        except Exception as e:  # noqa: BLE001 - reported, then the bench fails
            errors.append(f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        messages = [m for m in errors if m]
        if messages:
            fail(messages[0])
        sys.exit(1)


def cmd_port():
    # Port 0: the kernel picks a free one. It is released before the server binds it, which
    # leaves a tiny window for another program to take it; the server then fails to start
    # and the bench says so.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


def cmd_demo(emulator):
    # The emulator's own record of its demo data (test hook), so the bench repeats no secret.
    conn = connection(emulator)
    token = os.environ.get("EMULATOR_HOOK_TOKEN", "")
    response, data = request(conn, "GET", "/_emulator/demo", headers={"x-emulator-token": token})
    if response.status != 200:
        fail(f"/_emulator/demo answered {response.status}")
    demo = json.loads(data)
    values = {
        "KEY_ID": demo["apiKey"]["publicKey"],
        "KEY_SECRET": demo["apiKey"]["privateKey"],
        "SA_ID": demo["serviceAccount"]["clientId"],
        "SA_SECRET": demo["serviceAccount"]["clientSecret"],
        "GROUP_ID": demo["projects"][0]["id"],
    }
    for name, value in values.items():
        if not re.fullmatch(r"[A-Za-z0-9_-]+", value):
            fail(f"unexpected demo value for {name}")
        print(f"{name}={value}")


def cmd_login(base, kind, public_id, secret):
    print(login(connection(base), kind, public_id, secret))


def cmd_logins(base, count, concurrency, key_id, key, sa_id, sa, *flags):
    """`count` sign-ins, alternately API key and service account, each kept (or, with
    --logout, ended again)."""
    count, concurrency = int(count), int(concurrency)
    logout = "--logout" in flags
    conns = [connection(base) for _ in range(concurrency)]

    def one(index, n):
        kind, public_id, secret = (
            ("api_key", key_id, key) if n % 2 == 0 else ("service_account", sa_id, sa)
        )
        cookie = login(conns[index], kind, public_id, secret)
        if logout:
            headers = dict(SERVER_FN_HEADERS, Cookie=cookie)
            response, data = request(conns[index], "POST", "/api/session/logout", "", headers)
            if response.status >= 400:
                fail(f"logout answered {response.status}: {data[:200]!r}")

    in_threads(count, concurrency, one)
    print(count)


def cmd_calls(base, cookie, group_id, count, concurrency):
    """`count` calls of the integrations-list server function; every one must answer 200
    with the project's JSON."""
    count, concurrency = int(count), int(concurrency)
    conns = [connection(base) for _ in range(concurrency)]
    headers = dict(SERVER_FN_HEADERS, Cookie=cookie)
    body = urllib.parse.urlencode({"group_id": group_id})

    def one(index, _n):
        response, data = request(conns[index], "POST", "/api/integrations/list", body, headers)
        if response.status != 200:
            fail(f"/api/integrations/list answered {response.status}: {data[:200]!r}")
        if group_id.encode() not in data:
            fail(f"/api/integrations/list answer does not name the project: {data[:200]!r}")

    in_threads(count, concurrency, one)
    print(count)


def cmd_direct(emulator, token, group_id, count, concurrency):
    """`count` reads of the project's integrations straight from the emulator, with a bearer
    token: what `calls` asks of the dashboard, without it."""
    count, concurrency = int(count), int(concurrency)
    conns = [connection(emulator) for _ in range(concurrency)]
    headers = {"Authorization": f"Bearer {token}",
               "Accept": "application/vnd.atlas.2023-01-01+json"}

    def one(index, _n):
        response, data = request(
            conns[index], "GET", f"/api/atlas/v2/groups/{group_id}/integrations", None, headers)
        if response.status != 200 or b'"results"' not in data:
            fail(f"the emulator's integrations list answered {response.status}: {data[:200]!r}")

    in_threads(count, concurrency, one)
    print(count)


def cmd_token(emulator, client_id, secret):
    """OAuth client credentials, as the dashboard does for a service account."""
    basic = b64encode(f"{client_id}:{secret}".encode()).decode()
    headers = {
        "Authorization": f"Basic {basic}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
    }
    response, data = request(
        connection(emulator), "POST", "/api/oauth/token", "grant_type=client_credentials", headers
    )
    if response.status != 200:
        fail(f"/api/oauth/token answered {response.status}: {data[:200]!r}")
    print(json.loads(data)["access_token"])


def cmd_wrk(path):
    """Checks one wrk run: the JSON line from scripts/bench.lua, no socket error, no
    status >= 400, at least one request."""
    text = open(path).read()
    found = [line for line in text.splitlines() if line.startswith("BENCH-WRK ")]
    if not found:
        fail(f"no result line from wrk in {path}:\n{text}")
    run = json.loads(found[-1][len("BENCH-WRK "):])
    errors = {k: v for k, v in run["errors"].items() if v}
    if errors:
        fail(f"wrk run had errors {errors} (status = answers >= 400); output:\n{text}")
    if run["requests"] <= 0:
        fail(f"wrk completed no request:\n{text}")
    run["rps"] = run["requests"] / (run["duration_us"] / 1e6)
    print(json.dumps(run))


def cmd_upstream(before_path, after_path, calls):
    """Requests the emulator received during `calls` dashboard calls, per call."""
    before, after = json.load(open(before_path)), json.load(open(after_path))
    calls = int(calls)
    total = after["total"] - before["total"]
    if total <= 0:
        fail(f"the emulator's counters did not move ({before['total']} -> {after['total']})")

    def diff(key):
        return {
            k: after[key][k] - before[key].get(k, 0)
            for k in after[key]
            if after[key][k] - before[key].get(k, 0)
        }

    print(json.dumps({
        "calls": calls,
        "total": total,
        "per_call": total / calls,
        "by_route": diff("byRoute"),
        "by_auth": diff("byAuth"),
    }))


def cmd_page(path):
    """Median time to first byte and to the whole page, from `curl -w` lines."""
    runs = [tuple(map(float, line.split())) for line in open(path) if line.strip()]
    if not runs:
        fail("no page timing recorded")
    print(json.dumps({
        "runs": len(runs),
        "ttfb_ms": statistics.median(r[0] for r in runs) * 1000,
        "total_ms": statistics.median(r[1] for r in runs) * 1000,
        "bytes": int(statistics.median(r[2] for r in runs)),
    }))


def check(ok):
    return "✔" if ok else "✘"


def cmd_table(work):
    def load(name):
        return json.load(open(os.path.join(work, name)))

    def load_wrk(target, conns):
        """One target's wrk slices: throughput pooled over all of them, latency percentiles
        the median of the slices' (wrk gives percentiles, not the samples to pool)."""
        path = os.path.join(work, f"wrk-{target}-{conns}.jsonl")
        slices = [json.loads(line) for line in open(path) if line.strip()]
        if not slices:
            fail(f"no wrk run recorded in {path}")
        requests = sum(s["requests"] for s in slices)
        return {
            "requests": requests,
            "rps": requests / (sum(s["duration_us"] for s in slices) / 1e6),
            "latency_us": {
                q: statistics.median(s["latency_us"][q] for s in slices) for q in ("p50", "p99")
            },
        }

    p = load("params.json")
    rows = []

    def row(section, what, value, how="", target=""):
        rows.append((section, what, value, target, how))

    def ms(us, sign=""):
        return f"{us / 1000:{sign}.2f} ms"

    slices = f"{p['rounds']} × {p['slice']} slices in turn with the other two"
    sessions = {"sa": "service account (upstream: bearer, as direct)",
                "key": "API key (upstream: Digest)"}
    direct64, direct1 = load_wrk("direct", p["conns"]), load_wrk("direct", 1)
    row(1, f"Throughput, {p['conns']} connections: direct to the emulator",
        f"{direct64['rps']:,.0f} req/s",
        "`GET /api/atlas/v2/groups/{id}/integrations` with a bearer token (service account, "
        f"OAuth); wrk -t{p['threads']} -c{p['conns']}, {slices}")
    for kind, label in sessions.items():
        dash64 = load_wrk(f"dash-{kind}", p["conns"])
        row(1, f"Throughput, {p['conns']} connections: dashboard, signed in with {label}",
            f"{dash64['rps']:,.0f} req/s = **{dash64['rps'] / direct64['rps']:.2f}×** direct",
            "`POST /api/integrations/list` with the session cookie; ratio = dashboard / direct",
            f"≥ 0.30× {check(dash64['rps'] / direct64['rps'] >= 0.30)}")
    row(1, "Latency, 1 connection: direct to the emulator, p50 / p99",
        f"{ms(direct1['latency_us']['p50'])} / {ms(direct1['latency_us']['p99'])}",
        f"wrk -t1 -c1, {slices}; median of the slices' percentiles; "
        f"{direct1['requests']:,} requests")
    for kind, label in sessions.items():
        dash1 = load_wrk(f"dash-{kind}", 1)
        d50 = dash1["latency_us"]["p50"] - direct1["latency_us"]["p50"]
        d99 = dash1["latency_us"]["p99"] - direct1["latency_us"]["p99"]
        row(1, f"Latency, 1 connection: dashboard ({label.split(' (')[0]}), p50 / p99",
            f"{ms(dash1['latency_us']['p50'])} / {ms(dash1['latency_us']['p99'])}; "
            f"added **{ms(d50, '+')}** / **{ms(d99, '+')}**",
            f"added = dashboard − direct; {dash1['requests']:,} requests",
            f"p50 ≤ +1 ms {check(d50 <= 1000)}")
    for kind, label in (("api_key", "API key (Digest)"), ("service_account", "service account (OAuth)")):
        u = load(f"upstream-{kind}.json")
        per = lambda n: f"{n / u['calls']:.2f}"  # noqa: E731
        routes = ", ".join(f"`{k.replace('/api/atlas/v2', '')}` {per(v)}"
                           for k, v in sorted(u["by_route"].items()))
        auths = ", ".join(f"{k} {per(v)}" for k, v in sorted(u["by_auth"].items()))
        row(2, f"Upstream requests per dashboard call, {label}",
            f"**{u['per_call']:.2f}** ({u['total']:,} for {u['calls']:,} calls)",
            f"{routes}; by auth: {auths}; calls on {p['call_concurrency']} connections at once",
            f"≤ 1.01 {check(u['per_call'] <= 1.01)}")
    pg = load("page.json")
    row(3, f"Projects page `GET /`, {p['projects']:,} generated projects: first byte / full page",
        f"{pg['ttfb_ms']:.1f} ms / {pg['total_ms']:.1f} ms",
        f"median of {pg['runs']} runs, signed in with the API key; {pg['bytes']:,} bytes of HTML")
    for w in (json.loads(line) for line in open(os.path.join(work, "weights.jsonl")) if line.strip()):
        kb = lambda n: f"{n / 1024:.1f}"  # noqa: E731
        t = w["total"]
        shown = re.sub(r"[0-9a-f]{24}", "{id}", w["path"])
        row(6, f"Opening the {w['page']} page cold (`{shown}`): raw / gzip / brotli",
            f"{kb(t['raw'])} / {kb(t['gzip'])} / **{kb(t['br'])} KB**",
            f"HTML {kb(w['html']['raw'])} KB raw, of it the messages {kb(w['texts'])} KB; "
            f"{len(w['files'])} files ({', '.join(f['url'].rsplit('/', 1)[-1] for f in w['files'])}); "
            "scripts/page-weight.mjs",
            ("WASM: yes" if w["wasm"] else "no WASM ✔") if w["page"] in ("login", "form", "matrix")
            else ("no WASM ✔" if not w["wasm"] else "no WASM ✘"))
    m = load("memory.json")
    row(4, "Server RSS, idle after start", f"{m['idle_kb'] / 1024:.1f} MiB",
        "VmRSS of the one process: dashboard and embedded emulator")
    row(4, "Server RSS increase per 1,000 signed-in sessions",
        f"**{(m['after_kb'] - m['warm_kb']) * 1000 / m['sessions'] / 1024:.1f} MiB**",
        f"{m['warm_kb'] / 1024:.1f} MiB after {p['warm_sessions']} warm-up sign-ins and sign-outs → "
        f"{m['after_kb'] / 1024:.1f} MiB after {m['sessions']:,} sign-ins kept "
        "(half API key, half service account)")
    for line in open(os.path.join(work, "size.txt")):
        parts = line.split()
        # "name  raw KB  gzip KB  brotli KB"; the header line has no figures.
        if len(parts) == 7 and parts[2] == parts[4] == parts[6] == "KB":
            # `WASM+JS:form`: one island's bundle, JS and WASM, what a page with it downloads.
            bundle = parts[0].startswith("WASM+JS:")
            name = (f"WASM+JS of the `{parts[0].split(':', 1)[1]}` island's bundle" if bundle
                    else f"`{parts[0]}`")
            value = f"{parts[1]} / {parts[3]} / {parts[5]} KB"
            row(5, f"Bundle {name}: raw / gzip / brotli",
                f"**{value}**" if bundle else value, "scripts/size (gzip -9, brotli q11)",
                f"brotli ≤ 150 KB {check(float(parts[5]) <= 150)}" if bundle else "")

    print("| # | figure | measured | target (issue #28) | how |")
    print("|---|---|---|---|---|")
    for section, what, value, target, how in sorted(rows, key=lambda r: r[0]):
        print(f"| {section} | {what} | {value} | {target} | {how} |")


COMMANDS = {
    "port": cmd_port, "demo": cmd_demo, "login": cmd_login, "logins": cmd_logins,
    "calls": cmd_calls, "direct": cmd_direct, "token": cmd_token, "wrk": cmd_wrk,
    "upstream": cmd_upstream, "page": cmd_page, "table": cmd_table,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        fail(f"usage: {sys.argv[0]} {'|'.join(COMMANDS)} ...")
    try:
        COMMANDS[sys.argv[1]](*sys.argv[2:])
    except (OSError, http.client.HTTPException, json.JSONDecodeError, KeyError) as e:
        fail(f"{sys.argv[1]}: {type(e).__name__}: {e}")
