-- bench_6x9.lua - the reference benchmark model (bench/README.md, "bench-6x9").
-- Six origins, nine states, fourteen flows, two capacities that bind during
-- the first year. `make bench` runs it in several variants (bench/run).
local ddr = require "ddr"

scenario {
  name = "bench-6x9", steps = 120, unit = "month",
  mode = "stochastic", runs = 10000, seed = 1,
  states = ddr.states,
}
report(ddr.report)

origin { "Sudan",  present = 3000 }
origin { "Chad",   present = 2000 }
origin { "Syria",  present = 7000 }
origin { "Russia", present = 2000 }
origin { "Niger",  present = 500 }
origin { "Other",  present = 1000 }

capacity { "site_intake", per_step = 600 }
capacity { "flights", per_step = 300 }

flow { from = "present",      to = "registered",   rate = 0.10 }
flow { from = "present",      to = "redeployed",   rate = 0.02 }
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
