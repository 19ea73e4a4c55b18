-- ddr.lua - the standard DDR states and small helpers for scenario scripts.
-- Scenarios use it as:  local ddr = require "ddr"
local ddr = {}

-- The usual path of a foreign fighter through a DDR programme, in order.
ddr.states = {
  "present",       -- in the country, under arms
  "registered",    -- registered with the programme
  "cantoned",      -- in a cantonment site
  "disarmed",      -- weapons handed in
  "demobilized",   -- formally discharged
  "stranded",      -- demobilized but cannot go home (return refused)
  "repatriated",   -- returned to the country of origin
  "reintegrated",  -- settled in civilian life
  "redeployed",    -- left to fight in another conflict
}

-- What `demob report` shows first for these states: declare it after the
-- states, as  report(ddr.report)  (see core/lua/lua_report.c).
ddr.report = {
  key_states = { "present", "cantoned", "stranded", "repatriated", "redeployed" },
  by_origin = { "redeployed" },
  return_state = "repatriated",
  peak_state = "cantoned",
}

-- The outcomes planners ask about most, for these states: declare them
-- after the flows (and the costs), as  ddr.outcomes()  or, to sum only
-- some origins or tags,  ddr.outcomes { origins = { "armed_opposition" } }.
-- They appear in summary.csv (outcome.<name>), quantiles.csv, outcomes.csv
-- and the answer table of `demob run` (docs/scenarios.md#outcomes).
--   still_in_country   present, registered, cantoned, disarmed, demobilized or stranded
--   ever_repatriated   people who entered repatriated (cumulative)
--   ever_redeployed    people who entered redeployed (cumulative)
--   total_cost         the cost so far, every category (with costs = true)
function ddr.outcomes(opts)
  opts = opts or {}
  local o = opts.origins
  outcome { "still_in_country", origins = o,
            states = { "present", "registered", "cantoned", "disarmed", "demobilized", "stranded" } }
  outcome { "ever_repatriated", into = "repatriated", origins = o }
  outcome { "ever_redeployed", into = "redeployed", origins = o }
  if opts.costs then
    outcome { "total_cost", cost = "total", origins = o }
  end
end

return ddr
