-- Runs the shared workload (post_events.lua, unchanged) and adds one line with
-- the p99.9 ack latency, which the shared script's WRKRESULT line lacks.
--   RCVAULT_WORKLOAD=/path/to/post_events.lua wrk ... -s bench/wrk_report.lua URL [-- ratio]
local workload = os.getenv("RCVAULT_WORKLOAD")
assert(workload, "set RCVAULT_WORKLOAD to the shared post_events.lua")
dofile(workload)

local shared_done = done
function done(summary, latency, requests)
   shared_done(summary, latency, requests)
   io.write(string.format("WRKEXTRA p999_ms=%.3f\n", latency:percentile(99.9) / 1000))
end
