#!/usr/bin/env python3
"""The checks of scripts/security-check: six security findings, fixed, repeated against the
release binary, plus the refusal to serve the demo beyond loopback. Standard library only.

  security-check.py BIN SITE_ROOT full|smoke

Starts one standalone emulator (test hooks on, 100 generated projects) and, per check, a
dashboard of its own (its throttle, sessions and metrics are then that check's alone),
pointed at the emulator with --atlas-base-url. Prints one line per check to stdout:

  PASS|FAIL|SKIP  <check>: <what was measured>  [expected: <what the fix guarantees>]

and exits 1 when any check failed. Progress goes to stderr. Every process started here is
stopped on the way out, signals included; the servers' logs stay in the work directory
(printed) when a check failed.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

# A server-function call as the hydrated page makes it: same-origin (the dashboard refuses
# cross-site POSTs), JSON wanted (a plain form post is answered with a redirect).
SERVER_FN_HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded",
    "Accept": "application/json",
    "Sec-Fetch-Site": "same-origin",
}
HOOK_HEADER = "x-emulator-token"
SESSION_COOKIE = "atlas_integrations_session"  # with or without the __Host- prefix
# Settings of the caller's environment that would change what the servers do: each server
# gets exactly the configuration a check gives it.
SCRUBBED_PREFIXES = ("ATLAS_", "EMULATOR_", "SESSION_", "COOKIE_", "LEPTOS_")
SCRUBBED_NAMES = {"TRUSTED_PROXIES", "METRICS_LISTEN", "SHUTDOWN_GRACE_SECS", "LOG_FORMAT"}
STANDARD_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def log(message):
    print(f"\033[1m==> {message}\033[0m", file=sys.stderr, flush=True)


class CheckError(Exception):
    """A check could not be carried out (a server did not start, an answer was not what
    the check needs): that check fails with this message."""


# --- processes ---------------------------------------------------------------------------


class Processes:
    """Every process this run starts, stopped (SIGTERM, then SIGKILL) by `stop` or at exit."""

    def __init__(self, work):
        self.work = work
        self.running = []

    def start(self, name, args, env):
        path = os.path.join(self.work, f"{name}.log")
        out = open(path, "wb")
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        out.close()
        proc.log_path = path
        proc.name = name
        self.running.append(proc)
        return proc

    def stop(self, proc):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc in self.running:
            self.running.remove(proc)

    def stop_all(self):
        for proc in list(reversed(self.running)):
            self.stop(proc)


def log_tail(proc, lines=8):
    try:
        with open(proc.log_path, errors="replace") as f:
            return " | ".join(f.read().strip().splitlines()[-lines:])
    except OSError:
        return ""


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(SCRUBBED_PREFIXES) and k not in SCRUBBED_NAMES}
    env.update(extra)
    return env


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    # Port 0: the kernel picks a free one. It is released before the server binds it, a tiny
    # window for another program to take it; the server then fails to start and says so.
    with socket.socket(family) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


# --- HTTP ----------------------------------------------------------------------------------


class Answer:
    def __init__(self, response, body, seconds):
        self.status = response.status
        self.headers = response.headers
        self.body = body
        self.seconds = seconds

    def json(self):
        try:
            return json.loads(self.body)
        except json.JSONDecodeError as e:
            raise CheckError(f"not JSON ({e}): {self.body[:200]!r}") from None

    def cookie(self):
        """The session cookie it sets, as "name=value", or None."""
        for value in self.headers.get_all("Set-Cookie") or []:
            pair = value.split(";", 1)[0].strip()
            name, _, val = pair.partition("=")
            if SESSION_COOKIE in name and val:
                return pair
        return None


def request(port, method, path, body=None, headers=None, conn=None, host="127.0.0.1",
            timeout=60):
    """One request; on `conn` when given (kept alive), else on a connection of its own."""
    own = conn is None
    if own:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return Answer(response, data, time.perf_counter() - started)
    finally:
        if own:
            conn.close()


def server_fn(port, endpoint, fields=(), cookie=None, headers=None, conn=None):
    """POST /api/<endpoint>, form-encoded (`ids[0]=…` style for lists: brackets unescaped)."""
    all_headers = dict(SERVER_FN_HEADERS)
    if cookie:
        all_headers["Cookie"] = cookie
    all_headers.update(headers or {})
    body = urllib.parse.urlencode(list(fields), safe="[]")
    return request(port, "POST", f"/api/{endpoint}", body, all_headers, conn=conn)


def login(port, method, public_id, secret, headers=None, conn=None):
    return server_fn(port, "session/login",
                     [("method", method), ("public_id", public_id), ("secret", secret)],
                     headers=headers, conn=conn)


def signed_in(port, method, public_id, secret):
    answer = login(port, method, public_id, secret)
    cookie = answer.cookie()
    if answer.status != 200 or not cookie:
        raise CheckError(f"sign-in ({method}) answered {answer.status}: {answer.body[:200]!r}")
    return cookie


def wait_until_up(proc, port, what, path="/login", host="127.0.0.1", headers=None):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise CheckError(f"{what} exited during start-up ({proc.returncode}): {log_tail(proc)}")
        try:
            answer = request(port, "GET", path, headers=headers, host=host, timeout=5)
            if answer.status < 500:
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    raise CheckError(f"{what} did not answer within 30 s: {log_tail(proc)}")


# --- the emulator and the dashboards ---------------------------------------------------------


class Rig:
    def __init__(self, bin_path, site_root, work):
        self.bin = bin_path
        self.site_root = site_root
        self.procs = Processes(work)
        self.hook_token = os.urandom(16).hex()
        self.emu_port = None
        self.demo = None

    def start_emulator(self):
        self.emu_port = free_port()
        proc = self.procs.start(
            "emulator",
            [self.bin, "emulator", "--listen", f"127.0.0.1:{self.emu_port}", "--test-hooks",
             "--projects", "100"],
            clean_env(EMULATOR_HOOK_TOKEN=self.hook_token),
        )
        wait_until_up(proc, self.emu_port, "the emulator", "/_emulator/counters",
                      headers={HOOK_HEADER: self.hook_token})
        self.demo = self.hook("GET", "demo")

    def hook(self, method, name, body=None):
        headers = {HOOK_HEADER: self.hook_token}
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        answer = request(self.emu_port, method, f"/_emulator/{name}", body, headers)
        if answer.status != 200:
            raise CheckError(f"emulator hook {method} {name} answered {answer.status}: "
                             f"{answer.body[:200]!r}")
        return answer.json()

    def delay(self, path_prefix, ms):
        """Every GET under `path_prefix` waits `ms` before the emulator handles it."""
        self.hook("POST", "faults", {"method": "GET", "pathPrefix": path_prefix, "latencyMs": ms})

    def clear_faults(self):
        self.hook("DELETE", "faults")

    @property
    def emu_url(self):
        return f"http://127.0.0.1:{self.emu_port}"

    def dashboard(self, name, *extra, env=None, port=None, listen_env=False):
        """A dashboard on the emulator; `listen_env` gives the address in LEPTOS_SITE_ADDR
        (as cargo-leptos does) instead of --listen. Returns (process, port)."""
        port = port or free_port()
        args = [self.bin, "serve", "--site-root", self.site_root,
                "--atlas-base-url", self.emu_url, "--allow-plain-http-atlas",
                "--shutdown-grace-secs", "2", *extra]
        if not listen_env:
            args += ["--listen", f"127.0.0.1:{port}"]
        proc = self.procs.start(name, args, clean_env(**(env or {})))
        wait_until_up(proc, port, f"the dashboard ({name})")
        return proc, port

    def run_to_exit(self, name, args, env, seconds=10):
        """Runs the binary until it exits (killed after `seconds`): (exit code or None when
        it had to be killed, everything it wrote)."""
        proc = self.procs.start(name, [self.bin, *args], env)
        try:
            code = proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            code = None
        self.procs.stop(proc)
        with open(proc.log_path, "rb") as f:
            return code, f.read().decode("utf-8", "replace")


# --- the checks --------------------------------------------------------------------------------
# Each returns a list of (status, name, measured, expected) lines; CheckError fails it.


def check_throttle(rig, mode):
    """1. Sign-in throttle under parallel guesses. The throttle used to look up the lock-out
    before asking Atlas and count the failure after its answer: guesses sent at once all saw
    "not locked" and all reached Atlas. Now each attempt is counted before Atlas is asked, so
    40 at once fare as 40 in a row: the 5 free failures and the one that starts the lock-out
    reach Atlas, the rest answer 429 without a call. Atlas's answer is delayed 300 ms so all
    40 are in flight together."""
    name = "1 sign-in throttle, 40 wrong secrets for one id at once"
    expected = "at most 6 reach Atlas (5 free + the one that locks), the rest answer 429"
    guesses = 40
    _, port = rig.dashboard("dashboard-1-throttle")
    rig.delay("/api/atlas/v2/groups", 300)
    try:
        rig.hook("POST", "counters/reset")
        barrier = threading.Barrier(guesses)
        statuses = [None] * guesses
        public_id = rig.demo["apiKey"]["publicKey"]

        def guess(i):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.connect()  # connected first, so the requests leave together
                barrier.wait(timeout=30)
                statuses[i] = login(port, "api_key", public_id, f"wrong-secret-{i}", conn=conn).status
            except Exception as e:  # noqa: BLE001 - reported as the check's figure
                statuses[i] = f"{type(e).__name__}"
            finally:
                conn.close()

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(guesses)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        counters = rig.hook("GET", "counters")
    finally:
        rig.clear_faults()
    # A wrong API key costs two requests: the unsigned one that fetches the Digest
    # challenge and the signed one Atlas refuses (no nonce is cached for a key that never
    # signed in).
    upstream = counters.get("byRoute", {}).get("GET /api/atlas/v2/groups", 0)
    reached = (upstream + 1) // 2
    refused = statuses.count(401)
    throttled = statuses.count(429)
    other = [s for s in statuses if s not in (401, 429)]
    measured = (f"{reached} reached Atlas ({upstream} emulator requests, 2 per Digest attempt), "
                f"{refused} answered 401, {throttled} answered 429"
                + (f", other answers {other}" if other else ""))
    ok = reached <= 6 and refused <= 6 and refused + throttled == guesses
    return [(ok, name, measured, expected)]


def check_logout(rig, mode):
    """2. Sign-out is final. A request still in flight when its session is signed out saves
    its copy of the session when it ends, if it changed the session; the memory store used to
    insert that copy, bringing the session back to life under the old cookie. Now a save only
    updates a record the store still holds. Two ways for the in-flight request to change the
    session: (a) a service account whose token Atlas expired: the request fetches a new one
    and keeps it in the session; (b) an API key with a 1-minute idle timeout, 31 s after
    sign-in: the keep-alive renews the expiry (at most every idle/2 = 30 s). (b) needs the
    wait, so --smoke runs (a) only; (a) is the same race, not a weaker one. The slow request
    is the projects list with Atlas answering after 1.5 s; the logout goes in 0.5 s into it."""
    lines = [race_after_logout(rig, "service_account")]
    if mode == "full":
        lines.append(race_after_logout(rig, "api_key"))
    else:
        lines.append((None, "2b sign-out is final, API key, keep-alive renewal in flight",
                      "not run with --smoke (needs a 31 s wait); 2a covers the same race",
                      "the old cookie answers 401 after the slow request ends"))
    return lines


def race_after_logout(rig, kind):
    demo = rig.demo
    if kind == "service_account":
        name = "2a sign-out is final, service account, token renewal in flight"
        public_id, secret = demo["serviceAccount"]["clientId"], demo["serviceAccount"]["clientSecret"]
        _, port = rig.dashboard("dashboard-2a-logout")
    else:
        name = "2b sign-out is final, API key, keep-alive renewal in flight"
        public_id, secret = demo["apiKey"]["publicKey"], demo["apiKey"]["privateKey"]
        _, port = rig.dashboard("dashboard-2b-logout", "--session-idle-minutes", "1")
    expected = "the old cookie answers 401 after the slow request ends"
    cookie = signed_in(port, kind, public_id, secret)
    if kind == "service_account":
        before = server_fn(port, "projects/list", cookie=cookie)
        if before.status != 200:
            raise CheckError(f"projects/list before the race answered {before.status}")
        # The emulator forgets every token it issued: the next call gets a 401 with the
        # session's token, fetches a new one and writes it into the session.
        rig.hook("POST", "tokens/expire")
    else:
        log("2b: waiting 31 s, so that the next request renews the session (idle 1 min)")
        time.sleep(31)
    slow = {}
    rig.delay("/api/atlas/v2/groups", 1500)
    try:
        def slow_call():
            try:
                slow["answer"] = server_fn(port, "projects/list", cookie=cookie)
            except Exception as e:  # noqa: BLE001 - reported below
                slow["error"] = f"{type(e).__name__}: {e}"

        thread = threading.Thread(target=slow_call)
        thread.start()
        time.sleep(0.5)
        out = server_fn(port, "session/logout", cookie=cookie)
        in_flight = thread.is_alive()  # the slow call had not ended when the logout did
        thread.join()
    finally:
        rig.clear_faults()
    if "error" in slow:
        raise CheckError(f"the slow projects/list failed: {slow['error']}")
    if out.status >= 400:
        raise CheckError(f"logout answered {out.status}: {out.body[:200]!r}")
    slow_answer = slow["answer"]
    saved = slow_answer.cookie() is not None
    after = server_fn(port, "projects/list", cookie=cookie)
    measured = (f"old cookie answered {after.status} (slow call {slow_answer.status}, "
                f"{slow_answer.seconds:.1f} s, {'rewrote' if saved else 'did NOT rewrite'} the "
                f"session; logout {out.status}, {'during' if in_flight else 'AFTER'} it)")
    # Without the rewrite (or with the logout after the slow call) the race did not happen
    # and a 401 would prove nothing.
    ok = after.status == 401 and saved and in_flight
    return (ok, name, measured, expected)


def check_metric_labels(rig, mode):
    """3. Metric labels. dashboard_requests_total used to take the request's method as it
    came, and a method is any token a client invents: every new one was a new series, kept
    for the life of the process (memory without bound, a scrape that grows). Now the label
    is one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS or `other`. The invented-method
    requests must still be counted (as `other`), or the check would pass without them."""
    count = 3000 if mode == "full" else 300
    name = f"3 metric labels after {count:,} requests with invented methods"
    expected = "at most 8 distinct method labels, every answered invented one counted"
    metrics_port = free_port()
    _, port = rig.dashboard("dashboard-3-metrics", "--metrics-listen", f"127.0.0.1:{metrics_port}")
    answered = [0] * 8

    def send(index):
        for n in range(index, count, len(answered)):
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                s.sendall(f"FOO{n} / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                          "Connection: close\r\n\r\n".encode())
                first = s.recv(16)
                while s.recv(65536):
                    pass
            if first.startswith(b"HTTP/1.1 "):
                answered[index] += 1

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(answered))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    scrape = request(metrics_port, "GET", "/metrics")
    if scrape.status != 200:
        raise CheckError(f"GET /metrics answered {scrape.status}")
    methods, invented = set(), 0
    for line in scrape.body.decode("utf-8", "replace").splitlines():
        if not line.startswith("dashboard_requests_total{"):
            continue
        labels, _, value = line.rpartition("} ")
        found = re.search(r'[{,]method="((?:[^"\\]|\\.)*)"', labels + "}")
        if not found:
            continue
        methods.add(found.group(1))
        if found.group(1) not in STANDARD_METHODS:
            invented += int(float(value))
    measured = (f"{len(methods)} distinct method labels ({', '.join(sorted(methods)[:10])}"
                f"{', …' if len(methods) > 10 else ''}); {sum(answered):,} answered, "
                f"{invented:,} counted under non-standard labels")
    # Every answered request counted: the recorder is installed before the server answers
    # anything (a CI run once found 32 of the first requests counted nowhere).
    ok = len(methods) <= 8 and invented >= sum(answered) > 0
    return [(ok, name, measured, expected)]


def check_accept_language(rig, mode):
    """4. Accept-Language. The request's language used to be worked out from the header
    again for every message a server function wrote, reading every range of it: a 60 KB
    header made the fleet matrix's 100 rows take 5.76 s instead of 0.03 s (one request pinned
    a core for seconds). Now it is read once per request, at most 16 ranges."""
    name = "4 fleet/rows-html, 100 rows, 60 KB Accept-Language vs none"
    rows = 100
    runs = 3
    _, port = rig.dashboard("dashboard-4-language")
    key = rig.demo["apiKey"]
    cookie = signed_in(port, "api_key", key["publicKey"], key["privateKey"])
    listed = server_fn(port, "projects/list", [("per_page", "100")], cookie=cookie)
    if listed.status != 200:
        raise CheckError(f"projects/list answered {listed.status}: {listed.body[:200]!r}")
    projects = listed.json()["projects"][:rows]
    if len(projects) < rows:
        raise CheckError(f"only {len(projects)} projects listed, {rows} needed")
    fields = []
    for i, p in enumerate(projects):
        fields += [(f"rows[{i}][id]", p["id"]), (f"rows[{i}][index]", str(i))]
    long_header = ("de-DE;q=0.5," * 5200)[:60 * 1024]  # 60 KB: about 5,000 ranges
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def timed(headers):
        answer = server_fn(port, "fleet/rows-html", fields, cookie=cookie, headers=headers, conn=conn)
        if answer.status != 200:
            raise CheckError(f"fleet/rows-html answered {answer.status}: {answer.body[:200]!r}")
        drawn = [r for r in answer.json() if r.get("html")]
        if len(drawn) != rows:
            raise CheckError(f"fleet/rows-html drew {len(drawn)} rows of {rows}")
        return answer.seconds

    try:
        timed({})  # warm-up: the Digest nonce, connections to the emulator
        plain, long = [], []
        for _ in range(runs):  # in turns, so a busy moment slows both alike
            plain.append(timed({}))
            long.append(timed({"Accept-Language": long_header}))
    finally:
        conn.close()
    p, l = statistics.median(plain), statistics.median(long)
    limit = 10 * p + 0.2
    measured = f"{l:.3f} s with the header, {p:.3f} s without (median of {runs})"
    expected = f"under 10 × {p:.3f} + 0.2 = {limit:.2f} s (before the fix: 5.76 s vs 0.03 s)"
    return [(l < limit, name, measured, expected)]


def check_dual_stack_proxy(rig, mode):
    """5. Dual-stack trusted proxy. On a dual-stack listener (`[::]:PORT`) an IPv4 proxy
    arrives as ::ffff:127.0.0.1, which used not to equal the configured 127.0.0.1: the
    proxy's X-Forwarded-For and X-Forwarded-Proto were ignored, so every client behind it
    shared the proxy's throttle bucket (9 wrong sign-ins from one client locked out the next
    client) and no answer carried Strict-Transport-Security. Now addresses compare in
    canonical form. The 9 wrong sign-ins use 9 different made-up ids, so only the address
    bucket can lock the correct sign-in out."""
    name = "5 dual-stack listener behind a trusted proxy at 127.0.0.1"
    expected = "the other client's correct sign-in answers 200; X-Forwarded-Proto: https gives HSTS"
    try:
        port = free_port(socket.AF_INET6, "::")
    except OSError as e:
        return [(None, name, f"no IPv6 on this machine ({e})", expected)]
    _, port = rig.dashboard("dashboard-5-proxy", env={"LEPTOS_SITE_ADDR": f"[::]:{port}",
                                                       "TRUSTED_PROXIES": "127.0.0.1"},
                            port=port, listen_env=True)
    wrong = []
    for i in range(9):
        wrong.append(login(port, "api_key", f"guess{i:03d}", "wrong-secret",
                           headers={"X-Forwarded-For": "198.51.100.7",
                                    "X-Forwarded-Proto": "https"}).status)
    key = rig.demo["apiKey"]
    right = login(port, "api_key", key["publicKey"], key["privateKey"],
                  headers={"X-Forwarded-For": "198.51.100.8", "X-Forwarded-Proto": "https"})
    page = request(port, "GET", "/login", headers={"X-Forwarded-Proto": "https"})
    hsts = page.headers.get("Strict-Transport-Security")
    summary = ", ".join(f"{wrong.count(s)}×{s}" for s in sorted(set(wrong)))
    measured = (f"correct sign-in from 198.51.100.8 answered {right.status} after 9 wrong from "
                f"198.51.100.7 ({summary}); HSTS {'present: ' + hsts if hsts else 'absent'}")
    return [(right.status == 200 and bool(hsts), name, measured, expected)]


def check_secrets_shown(rig, mode):
    """6. Secrets in --help and in the log. clap printed the values of SESSION_STORE and
    ATLAS_BASE_URL in --help ([env: …=redis://:password@…]), and the server logged its Atlas
    URL whole, password included, before the client refused it. Now those values are
    hidden in --help, the client refuses a URL with a user name or password before anything
    is logged, and the log names scheme and host only. The refused start runs at
    RUST_LOG=debug, the most the log would show."""
    help_env = clean_env(SESSION_STORE="redis://:hunter2pass@127.0.0.1:1/0",
                         ATLAS_BASE_URL="https://user:hunter3pass@example.com")
    texts = []
    for args in (["serve", "--help"], ["--help"]):
        code, text = rig.run_to_exit("help-" + "-".join(a.strip("-") for a in args), args, help_env)
        if code != 0 or "--atlas-base-url" not in text or "--session-store" not in text:
            raise CheckError(f"`{' '.join(args)}` exited {code} without the expected help: "
                             f"{text[:200]!r}")
        texts.append(text)
    shown = [p for p in ("hunter2pass", "hunter3pass") if any(p in t for t in texts)]
    lines = [(not shown, "6a passwords in SESSION_STORE and ATLAS_BASE_URL, `serve --help` and `--help`",
              f"{len(shown)} of 2 passwords shown{' (' + ', '.join(shown) + ')' if shown else ''}",
              "neither shown")]

    port = free_port()
    env = clean_env(ATLAS_BASE_URL=f"http://user:hunter4pass@127.0.0.1:{rig.emu_port}",
                    RUST_LOG="debug")
    code, text = rig.run_to_exit("refused-url", ["serve", "--listen", f"127.0.0.1:{port}",
                                                 "--site-root", rig.site_root], env)
    leaked = "hunter4pass" in text
    exited = "still running after 10 s (killed)" if code is None else f"exited {code}"
    last = text.strip().splitlines()[-1] if text.strip() else "(no output)"
    lines.append((not leaked and code not in (None, 0),
                  "6b ATLAS_BASE_URL with a password: the start is refused, the password not shown",
                  f"{exited}; password {'SHOWN' if leaked else 'absent'} in {len(text):,} bytes "
                  f"of output; last line: {last[:160]}",
                  "exits non-zero, `hunter4pass` nowhere in its output"))
    return lines


def check_demo_beyond_loopback(rig, mode):
    """7. The demo beyond loopback. Without --atlas-base-url the dashboard serves its
    embedded emulator, whose demo owner credentials are published; on an address other
    machines reach, anyone could sign in with them. Now such a start is refused unless
    --demo says it is meant."""
    port = free_port(host="0.0.0.0")
    started = time.monotonic()
    code, text = rig.run_to_exit("demo-refused", ["serve", "--listen", f"0.0.0.0:{port}",
                                                  "--site-root", rig.site_root], clean_env())
    seconds = time.monotonic() - started
    last = text.strip().splitlines()[-1] if text.strip() else "(no output)"
    exited = "still running after 10 s (killed)" if code is None else f"exited {code} in {seconds:.1f} s"
    ok = code not in (None, 0) and "--demo" in text
    return [(ok, "7 --listen 0.0.0.0 without --atlas-base-url or --demo",
             f"{exited}; message {'names' if '--demo' in text else 'does NOT name'} --demo: "
             f"{last[:160]}",
             "exits non-zero within 10 s, the message mentions --demo")]


CHECKS = [check_throttle, check_logout, check_metric_labels, check_accept_language,
          check_dual_stack_proxy, check_secrets_shown, check_demo_beyond_loopback]


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in ("full", "smoke"):
        print(f"usage: {sys.argv[0]} BIN SITE_ROOT full|smoke", file=sys.stderr)
        return 2
    bin_path, site_root, mode = sys.argv[1:]
    work = tempfile.mkdtemp(prefix="security-check.")
    rig = Rig(bin_path, site_root, work)
    # A signal ends the run through the `finally` below, so the servers are stopped.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(143))
    results = []
    try:
        log(f"starting the emulator ({bin_path} emulator --test-hooks --projects 100)")
        rig.start_emulator()
        for check in CHECKS:
            title = check.__doc__.strip().split(".", 1)[1].strip().split(".")[0]
            log(f"check {check.__doc__.strip().split('.')[0]}: {title}")
            started = time.monotonic()
            try:
                lines = check(rig, mode)
            except Exception as e:  # noqa: BLE001 - any failure fails this check, the rest run
                lines = [(False, check.__doc__.strip().split(".")[0] + " " + title,
                          f"could not be carried out: {type(e).__name__}: {e}", "the check runs")]
            finally:
                # The check's dashboard goes with it (the emulator stays for the next).
                for proc in [p for p in rig.procs.running if p.name != "emulator"]:
                    rig.procs.stop(proc)
            for line in lines:
                results.append(line)
                print_line(*line)
            log(f"  ({time.monotonic() - started:.1f} s)")
    except CheckError as e:
        print(f"security-check: {e}", file=sys.stderr)
        results.append((False, "set-up", str(e), ""))
    finally:
        rig.procs.stop_all()
        failed = [r for r in results if r[0] is False]
        # The servers' logs are kept when something failed, removed otherwise (an interrupted
        # run included).
        if failed:
            print(f"security-check: servers' logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    skipped = [r for r in results if r[0] is None]
    passed = len(results) - len(failed) - len(skipped)
    print(f"security-check ({mode}): {passed} passed, {len(failed)} failed, {len(skipped)} skipped")
    return 1 if failed else 0


def print_line(ok, name, measured, expected):
    word = {True: "PASS", False: "FAIL", None: "SKIP"}[ok]
    print(f"{word}  {name}: {measured}  [expected: {expected}]", flush=True)


if __name__ == "__main__":
    sys.exit(main())
