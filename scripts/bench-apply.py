"""scripts/bench-apply's driver: sign in, preview PAGER_DUTY "create or update" over every
generated project, confirm, wait for the report, then check the emulator's state and
counters. Standard library only."""

import http.client
import json
import os
import sys
import time
import urllib.parse

BASE, EMU = sys.argv[1], sys.argv[2]
HOOK = {"x-emulator-token": os.environ["EMULATOR_HOOK_TOKEN"]}
KEY = "bench0apply0service0key000000042"
SA_ID = "mdb_sa_id_6650f1a2b3c4d5e6f7a8b9d1"
SA_SECRET = "mdb_sa_sk_Zq3vX9tL2mR8wK4pN7cJ5hF1dB6gY0sA"
POST = "POST /api/atlas/v2/groups/{groupId}/integrations/{integrationType}"
PUT = "PUT /api/atlas/v2/groups/{groupId}/integrations/{integrationType}"


def fail(message):
    print(f"bench-apply FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def call(base, method, path, body=None, headers=None):
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


cookie = None


def server_fn(endpoint, pairs):
    global cookie
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "accept": "application/json",
        "sec-fetch-site": "same-origin",
    }
    if cookie:
        headers["cookie"] = cookie
    response, data = call(BASE, "POST", f"/api/{endpoint}", urllib.parse.urlencode(pairs), headers)
    set_cookie = response.getheader("set-cookie")
    if set_cookie:
        cookie = set_cookie.split(";")[0]
    if response.status != 200:
        fail(f"{endpoint} answered {response.status}: {data[:300]!r}")
    return json.loads(data)


def hook(method, path):
    response, data = call(EMU, method, f"/_emulator/{path}", headers=HOOK)
    if response.status != 200:
        fail(f"hook {path} answered {response.status}")
    return json.loads(data) if data else None


for _ in range(100):
    try:
        call(BASE, "GET", "/healthz")
        break
    except OSError:
        time.sleep(0.2)
else:
    fail("the server did not start")

server_fn("session/login", [("method", "service_account"), ("public_id", SA_ID), ("secret", SA_SECRET)])
state = hook("GET", "state")
projects = [p for p in state["projects"] if p["name"].startswith("bench-")]
had = {p["id"] for p in projects if any(i["type"] == "PAGER_DUTY" for i in p["integrations"])}
n = len(projects)
hook("POST", "counters/reset")

started = time.monotonic()
form = [("kind", "PAGER_DUTY"), ("mode", "create-or-update"),
        ("values[serviceKey]", KEY), ("values[region]", "EU")]
form += [(f"projects[id-{p['id']}]", "on") for p in projects]
run = server_fn("fleet/apply/preview", form)
previewed = time.monotonic()
server_fn("fleet/start", [("run_id", run["id"])])
while run["phase"] != "Finished":
    time.sleep(0.2)
    run = server_fn("fleet/run", [("run_id", run["id"])])
finished = time.monotonic()

counters = hook("GET", "counters")
progress = [item["progress"] for item in run["items"]]
created = sum(1 for p in progress if p == {"Done": "Created"})
updated = sum(1 for p in progress if p == {"Done": "Updated"})
conflicts = sum(1 for p in progress if p == {"Done": "UpdatedAfterConflict"})
others = [p for p in progress if p not in ({"Done": "Created"}, {"Done": "Updated"})]

# The final state: every project holds exactly what was sent, once.
final = {p["id"]: p for p in hook("GET", "state")["projects"]}
lost = []
for p in projects:
    duty = [i for i in final[p["id"]]["integrations"] if i["type"] == "PAGER_DUTY"]
    if len(duty) != 1 or duty[0].get("serviceKey") != KEY or duty[0].get("region") != "EU":
        lost.append(p["id"])

by_route = counters["byRoute"]
print(f"projects: {n} ({len(had)} to update, {n - len(had)} to create); "
      f"rate limit: bucket {os.environ['BENCH_RL_CAPACITY']}, refill {os.environ['BENCH_RL_REFILL']}/s")
print(f"preview: {previewed - started:.1f} s; run: {finished - previewed:.1f} s; "
      f"total: {finished - started:.1f} s")
print(f"report: {created} created, {updated} updated, {conflicts} updated after 409, "
      f"{len(others) - conflicts} other")
print(f"upstream requests: {counters['total']} "
      f"(POST {by_route.get(POST, 0)}, PUT {by_route.get(PUT, 0)}, "
      f"byRoute {json.dumps(by_route, sort_keys=True)})")
print(f"lost or wrong: {len(lost)}; duplicated creates (409 met): {conflicts}")
if others or lost or created != n - len(had) or updated != len(had):
    fail(f"{len(lost)} lost, {len(others)} not done: {others[:5]}")
