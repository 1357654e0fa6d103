-- wrk script for ops/bench/status: cycles through valid (claim number, ZIP) pairs read from the
-- file named by the first script argument, and prints one machine-readable summary line.

local paths = {}
local next_index = 1

function init(args)
  for line in io.lines(args[1]) do
    local claim, zip = line:match("^([^,]+),([^,]+)$")
    if claim then paths[#paths + 1] = "/api/v1/status?claim=" .. claim .. "&zip=" .. zip end
  end
  -- Each thread starts at a different place, so that connections do not ask for the same rows.
  next_index = math.random(#paths)
end

function request()
  next_index = next_index % #paths + 1
  return wrk.format("GET", paths[next_index])
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d non_2xx=%d socket_errors=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
