-- wrk script for ops/bench/mixed: an administrator's reads through the API with a bearer token,
-- cycling through program, claims, batches, audit and books pages. Arguments: the token, the
-- program id. Prints one machine-readable summary line, like status.lua.

local paths = {}
local next_index = 1

function init(args)
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  local program = args[2]
  paths = {
    "/api/v1/programs/" .. program,
    "/api/v1/claims?program_id=" .. program .. "&limit=50",
    "/api/v1/claims?program_id=" .. program .. "&state=approved&limit=100",
    "/api/v1/programs/" .. program .. "/batches",
    "/api/v1/audit?limit=50",
    "/api/v1/programs",
  }
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
