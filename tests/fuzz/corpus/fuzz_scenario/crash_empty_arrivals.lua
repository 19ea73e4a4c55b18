-- valid.lua - a scenario using every declaration; test_scenario.c checks
-- the model it builds.
local ddr = require "ddr"
scenario { name = "Valid test", steps = 23, unit = "month", start = "2020-11",
           mode = "stochastic", runs = 5, seed = 7, states = ddr.states }
origin { "Sudan", tags = { "armed_opposition", "lna_side" }, present = 3000, registered = 10 }
origin { "Chad", tags = "lna_side", present = 2000 }
origin { "Syria", tags = { "gna_side" }, present = 7000 }
param { registration = 0.15, flights = 600 }
param { "redeploy", 0.02, min = 0.0, max = 0.1, description = "monthly redeployment" }
local helper_rate = 0.3          -- helpers in locals and globals are fine
shared_rate = 0.25
state { "cantoned", ceiling = 25+0, min_stay = 3 }
state { "stranded", ceiling = { lna_side = 1500, Syria = 800 } }
flow { from = "present", to = "registered", rate = param "registration" }
flow { from = "present", to = "redeployed", rate = param "redeploy", origins = "lna_side" }
flow { from = "registered", to = "cantoned", rate = 0.5, capacity = "site_intake", window = { 1, 12 } }
flow { from = "cantoned", to = "disarmed", rate = helper_rate }
flow { from = "disarmed", to = "demobilized", rate = shared_rate }
flow { from = "demobilized", to = "repatriated", rate = 0.3, origins = { "Syria" },
       capacity = "flights", name = "fly_home", cost = 300, category = "transport",
       budget = "transport" }
flow { from = "demobilized", to = "stranded", rate = 0.2, origins = { "lna_side" }, enabled = false }
capacity { "flights", per_step = param "flights", policy = "priority", priority = { "Syria", "lna_side" } }
capacity { "site_intake", per_step = 400 }
arrivals { origin = "Sudan", state = "present", per_step = 00 }
arrivals { origins = "lna_side", state = "present", per_step = { tranches =0 } }
cost { state = "cantoned", per_person = 30, category = "cantonment" }
cost { fixed = 20000, while_occupied = "cantoned", window = { 1, 24 }, category = "site" }
budget { "transport", initial = 1e6, per_step = 0, tranches = { { at = 6, amount = 2e6 } } }
sync { "lna_side", "gna_side", ratio = 1.5, flows = { "fly_home" } }
event { at = 6, set = { registration = 0.3 }, enable = { "demobilized->stranded" },
        capacity = { flights = 900 }, ceiling = { cantoned = 3000 } }
sweep { grid = { flights = { 300, 600, 900 } }, samples = 10 }
