-- wrk script for ops/bench/status: cycles through valid (claim number, ZIP) pairs read from the
-- file named by the first script argument, and prints one machine-readable summary line.

-- request() and done() come from wrk_cycle.lua, next to this script.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "wrk_cycle.lua")
paths = {}

function init(args)
  for line in io.lines(args[1]) do
    local claim, zip = line:match("^([^,]+),([^,]+)$")
    if claim then paths[#paths + 1] = "/api/v1/status?claim=" .. claim .. "&zip=" .. zip end
  end
  -- Each thread starts at a different place, so that connections do not ask for the same rows.
  next_index = math.random(#paths)
end
