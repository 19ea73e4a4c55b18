-- sweep_bench.lua - the bench-6x9 model (scenarios/bench_6x9.lua) with its
-- levers as params, for sweep tests and memory measurements. Shorter runs
-- (36 steps) keep the tests quick; --steps changes that.
local ddr = require "ddr"

scenario {
  name = "sweep-bench-6x9", steps = 36, unit = "month", start = "2020-11",
  mode = "stochastic", runs = 4, seed = 1,
  states = ddr.states,
}

origin { "Sudan",  present = 3000 }
origin { "Chad",   present = 2000 }
origin { "Syria",  present = 7000 }
origin { "Russia", present = 2000 }
origin { "Niger",  present = 500 }
origin { "Other",  present = 1000 }

param { "registration", 0.10, min = 0.05, max = 0.30 }
param { "redeploy", 0.02, min = 0.0, max = 0.05 }
param { "site_intake", 600, min = 200, max = 1200 }
param { "flights", 300, min = 100, max = 600 }

capacity { "site_intake", per_step = param "site_intake" }
capacity { "flights", per_step = param "flights" }

flow { from = "present",      to = "registered",   rate = param "registration" }
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

sweep {
  grid = { flights = { 150, 300, 450 } },
  lhs = { registration = { 0.05, 0.30 }, "redeploy",
          site_intake = { dist = "triangular", min = 200, mode = 600, max = 1200 } },
  samples = 8,
  replicates = 4,
}
