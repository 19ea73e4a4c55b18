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

return ddr
