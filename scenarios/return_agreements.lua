-- return_agreements.lua - what return agreements change. Chad accepts the
-- return of its fighters from month 6; Sudan never does, so Sudanese fighters who
-- are demobilized end up `stranded`, where some are redeployed to other conflicts.
-- Compare with the baseline, or try a slower return rate once Chad agrees:
--   demob run scenarios/return_agreements.lua --set chad_returns=0.1
local ddr = require "ddr"

scenario { name = "Return agreements: Chad from month 6, Sudan never", steps = 24, unit = "month",
           start = "2020-11", mode = "stochastic", runs = 100, seed = 6, states = ddr.states }
report(ddr.report)

origin { "Sudan", tags = { "armed_opposition" }, present = 10000 }
origin { "Chad",  tags = { "armed_opposition" }, present = 2000 }

param { registration = 0.1, chad_returns = 0.25, flights = 800 }
capacity { "flights", per_step = param "flights" }

flow { from = "present",     to = "registered",  rate = param "registration" }
flow { from = "registered",  to = "disarmed",    rate = 0.6 }
flow { from = "disarmed",    to = "demobilized", rate = 0.8 }
flow { from = "demobilized", to = "stranded",    rate = 1.0 }   -- nobody can go home yet
flow { from = "stranded",    to = "redeployed",  rate = 0.03 }
-- Chad's returns: switched off until the agreement.
flow { name = "chad_returns", from = "stranded", to = "repatriated", rate = param "chad_returns",
       origins = { "Chad" }, capacity = "flights", enabled = false }
event { at = "2021-05", enable = { "chad_returns" } }   -- month 6 (a step number works too)
flow { from = "repatriated", to = "reintegrated", rate = 0.3 }
