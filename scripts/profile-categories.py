#!/usr/bin/env python3
"""Reads `perf script -F comm,ip,sym` of the server (call graphs recorded with `--call-graph
dwarf`) and says where its CPU time went, by the part of the request path that spent it:
scripts/profile-call's table. Standard library only.

  profile-categories.py SAMPLES_PER_SECOND CALLS_PER_SECOND SECONDS < perf-script.txt

A sample in the emulator's handler (a frame of `atlas_emulator` anywhere on its stack) is the
emulator's. Any other is given to the first frame, from the innermost outwards, that belongs
to a part (`PARTS`, in that order): time in malloc, in a generic library (serde_json, url)
or in the kernel goes to the part whose code asked for it, a socket write in hyper's server
to "HTTP serving". hyper's connection code is the same for its client and its server; a
stack that did not start in `axum::serve` is the client's connection to Atlas. The server's
and the emulator's connections run the same code, so "HTTP serving" is both sides of both
exchanges, as it is for a call straight to the emulator.

Prints one markdown row per part: share of the samples and CPU microseconds per call
(samples ÷ SAMPLES_PER_SECOND ÷ (CALLS_PER_SECOND × SECONDS)). Fails when more than
`MAX_UNKNOWN` of the samples belong to no part: the stacks did not unwind (a binary without
unwind tables, a perf that cannot read them), and the table would say nothing.
"""

import sys
from collections import Counter

EMULATOR = "the emulator's handler (Atlas's side of the call)"
SERVING = "HTTP serving: hyper's server, both servers, sockets included"
CLIENT = "the call to Atlas: atlas_client, reqwest, hyper's client"

# (part, markers): a frame belongs to the first part one of whose markers it contains.
# Libraries used on both sides (serde_json, url, base64) are no part's markers: their time
# goes to the caller. The order matters where a frame could match two: the session's sealing
# before the rest of the dashboard's code, the answer's parsing before the rest of the client.
PARTS = [
    ("request log line and tracing", ["dashboard_core::web::logging", "tracing_subscriber::",
                                      "tracing_core::", "tracing::span", "tracing_appender::"]),
    ("opening the sealed credential (unseal)", ["server::session::unseal", "server::sealing::",
                                                "chacha20", "poly1305"]),
    ("parsing Atlas's answer into the registry's model", ["atlas_client::wire::",
                                                          "atlas_registry::model::"]),
    ("the registry's view of the answer", ["atlas_registry::view::", "atlas_registry::url::"]),
    ("encoding the server function's answer", ["dashboard_core::wire_json"]),
    (CLIENT, ["atlas_client::", "reqwest::", "hyper_util::client", "hyper::client",
              "role::Client"]),
    ("session layer: cookie, session record", ["tower_sessions", "tower_cookies", "cookie::"]),
    ("Leptos's server-function path (owner, context, decoding the form)",
     ["server_fn::", "leptos_axum::", "reactive_graph::", "leptos::", "serde_qs::",
      "form_urlencoded::"]),
    ("the dashboard's other code (layers, guard, i18n, metrics, the handle)",
     ["dashboard_core::", "atlas_integrations::", "metrics::"]),
    ("axum and tower glue (routing, middleware plumbing)",
     ["axum::", "tower::", "tower_http::", "tower_service::"]),
    (SERVING, ["hyper::", "hyper_util::server", "httparse::"]),
]
# Only when no frame of a part above is on the stack: tokio's frames wrap everything (a
# socket write is `tokio::net` inside hyper, a timeout wraps the client's call).
RUNTIME = ("tokio's scheduler: waking, parking, polling the reactor", ["tokio::", "mio::"])
MAX_UNKNOWN = 0.2
OTHER_THREADS = "threads other than tokio's workers (the log writer)"
UNKNOWN = "no frame of a part (a stack perf could not unwind)"


def samples(lines):
    """(thread name, [frames innermost first]) per sample."""
    thread, frames = None, []
    for line in lines:
        if not line.strip():
            if thread is not None:
                yield thread, frames
            thread, frames = None, []
        elif not line[0].isspace():
            if thread is not None:
                yield thread, frames
            thread, frames = line.split()[0], []
        else:
            parts = line.split(None, 1)
            frames.append(parts[1].strip() if len(parts) > 1 else "")
    if thread is not None:
        yield thread, frames


def part_of(thread, frames):
    if not thread.startswith("tokio-rt-worke"):
        return OTHER_THREADS
    if any("atlas_emulator::" in f for f in frames):
        return EMULATOR
    for frame in frames:
        for part, markers in PARTS:
            if any(m in frame for m in markers):
                if part == SERVING and not any("axum::serve" in f for f in frames):
                    return CLIENT
                return part
    if any(m in f for f in frames for m in RUNTIME[1]):
        return RUNTIME[0]
    return UNKNOWN


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    rate, calls_per_sec, seconds = (float(a) for a in sys.argv[1:])
    counts = Counter(part_of(t, f) for t, f in samples(sys.stdin))
    total = sum(counts.values())
    if total < 50:
        sys.exit(f"profile-categories: only {total} samples; nothing to say")
    calls = calls_per_sec * seconds
    print("| part of the request path | share of the server's samples | CPU µs per call |")
    print("|---|---:|---:|")
    order = [EMULATOR] + [p for p, _ in PARTS] + [RUNTIME[0], OTHER_THREADS, UNKNOWN]
    for part in sorted(order, key=lambda p: -counts[p]):
        n = counts[part]
        if n:
            print(f"| {part} | {100 * n / total:.1f} % | {n / rate / calls * 1e6:.1f} |")
    print(f"| **all** ({total} samples, {calls:,.0f} calls) | 100 % | "
          f"**{total / rate / calls * 1e6:.1f}** |")
    if counts[UNKNOWN] > MAX_UNKNOWN * total:
        sys.exit(f"profile-categories: {counts[UNKNOWN]} of {total} samples belong to no part: "
                 "perf did not unwind the stacks")


if __name__ == "__main__":
    main()
