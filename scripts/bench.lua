-- wrk script for scripts/bench: sends one fixed request (method and body from the
-- environment, headers from wrk's -H flags) and, when the run is over, prints one JSON line
-- the bench reads instead of wrk's human summary.
--
--   WRK_METHOD=POST WRK_BODY='group_id=…' wrk -s scripts/bench.lua -H '…' URL
--
-- No `response` function on purpose: with one defined, wrk hands every response's headers
-- and body to Lua, which would cost the load generator CPU it shares with the server.
-- Failed answers are still counted: wrk's `errors.status` counts every status above 399
-- (what its "Non-2xx or 3xx responses" line prints), and the bench refuses a run with any.

wrk.method = os.getenv("WRK_METHOD") or "GET"
wrk.body = os.getenv("WRK_BODY")

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-WRK {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p99":%d,"mean":%.1f,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
