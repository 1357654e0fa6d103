-- wrk script for ops/bench/mixed: an administrator's reads through the API with a bearer token,
-- cycling through program, claims, batches, audit and books pages. Arguments: the token, the
-- program id. Prints one machine-readable summary line, like status.lua.

-- request() and done() come from wrk_cycle.lua, next to this script.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "wrk_cycle.lua")
paths = {}

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
