-- bench_6x9_hook.lua - bench-6x9 (scenarios/bench_6x9.lua) with
-- one on_step hook that reads one total and sets one rate every step: the
-- "hook" variant of `make bench` (bench/run). The declarations are a copy of
-- the reference model's except that present -> redeployed takes its rate
-- from param "redeploy" (default 0.02, as in the reference), which the hook
-- halves once more than 3,000 people have been redeployed. Keep in step with
-- scenarios/bench_6x9.lua.
local ddr = require "ddr"

scenario {
  name = "bench-6x9-hook", steps = 120, unit = "month",
  mode = "stochastic", runs = 10000, seed = 1,
  states = ddr.states,
}

origin { "Sudan",  present = 3000 }
origin { "Chad",   present = 2000 }
origin { "Syria",  present = 7000 }
origin { "Russia", present = 2000 }
origin { "Niger",  present = 500 }
origin { "Other",  present = 1000 }

param { redeploy = 0.02 }

capacity { "site_intake", per_step = 600 }
capacity { "flights", per_step = 300 }

flow { from = "present",      to = "registered",   rate = 0.10 }
flow { from = "present",      to = "redeployed",   rate = param "redeploy" }
flow { from = "registered",   to = "cantoned",     rate = 0.50, capacity = "site_intake" }
flow { from = "registered",   to = "present",      rate = 0.05 }
flow { from = "cantoned",     to = "disarmed",     rate = 0.40 }
flow { from = "cantoned",     to = "present",      rate = 0.02 }
flow { from = "disarmed",     to = "demobilized",  rate = 0.60 }
flow { from = "demobilized",  to = "repatriated",  rate = 0.30, capacity = "flights",
       origins = { "Syria", "Russia", "Niger", "Other" } }
flow { from = "demobilized",  to = "stranded",     rate = 0.20, origins = { "Sudan", "Chad" } }
flow { from = "demobilized",  to = "redeployed",   rate = 0.01 }
flow { from = "stranded",     to = "repatriated",  rate = 0.05, origins = { "Sudan", "Chad" } }
flow { from = "stranded",     to = "redeployed",   rate = 0.03 }
flow { from = "repatriated",  to = "reintegrated", rate = 0.25 }
flow { from = "reintegrated", to = "redeployed",   rate = 0.005 }

on_step(function(sim, t)
  local r = sim:total("redeployed")
  sim:set("redeploy", r > 3000 and 0.01 or 0.02)
end)
