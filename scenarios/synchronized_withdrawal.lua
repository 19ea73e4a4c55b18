-- synchronized_withdrawal.lua - "phased, balanced and synchronized" departures,
-- as the 5+5 Joint Military Commission's action plan of October 2021 put it. In
-- each month, departures of the LNA side's foreign fighters may not exceed 1.5
-- times those of the GNA side's, and vice versa. The GNA side's fighters register
-- more slowly, so they hold back the LNA side's departures.
local ddr = require "ddr"

scenario { name = "Synchronized withdrawal, ratio 1.5", steps = 24, unit = "month", start = "2021-11",
           mode = "stochastic", runs = 100, seed = 21, states = ddr.states }
report(ddr.report)

origin { "Sudan",     tags = { "lna_side" }, present = 6000 }
origin { "Russia",    tags = { "lna_side" }, present = 2000 }
origin { "Syria-GNA", tags = { "gna_side" }, present = 7000 }

-- Two flows along one path need names of their own.
flow { name = "lna_registration", from = "present", to = "registered", rate = 0.2, origins = { "lna_side" } }
flow { name = "gna_registration", from = "present", to = "registered", rate = 0.05, origins = { "gna_side" } }
flow { from = "registered",  to = "demobilized", rate = 0.8 }
flow { from = "demobilized", to = "repatriated", rate = 0.5 }
flow { from = "repatriated", to = "reintegrated", rate = 0.2 }
sync { "lna_side", "gna_side", ratio = 1.5, flows = { "demobilized->repatriated" } }
