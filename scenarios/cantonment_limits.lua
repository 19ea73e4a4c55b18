-- cantonment_limits.lua - two cantonment sites with ceilings and a three-month
-- stay. Site A (2,000 places) takes fighters from the eastern groups, site B (800
-- places) the others; nobody leaves a site before three months. Watch the queue
-- in `registered` and the sites' occupancy peak at their ceilings.
local ddr = require "ddr"

scenario { name = "Two cantonment sites", steps = 24, unit = "month", start = "2021-01",
           mode = "deterministic",
           states = { "present", "registered", "site_a", "site_b", "disarmed", "demobilized",
                      "repatriated", "redeployed" } }
report { key_states = { "present", "repatriated", "redeployed" }, by_origin = "redeployed",
         return_state = "repatriated" }

origin { "Sudan",  tags = { "east" }, present = 6000 }
origin { "Chad",   tags = { "east" }, present = 2000 }
origin { "Syria",  tags = { "west" }, present = 3000 }
origin { "Russia", tags = { "west" }, present = 1000 }

param { site_a_places = 2000, site_b_places = 800 }
state { "site_a", ceiling = param "site_a_places", min_stay = 3 }
state { "site_b", ceiling = param "site_b_places", min_stay = 3 }

flow { from = "present",    to = "registered", rate = 0.15 }
flow { from = "present",    to = "redeployed", rate = 0.01 }
flow { from = "registered", to = "site_a",     rate = 0.7, origins = { "east" } }
flow { from = "registered", to = "site_b",     rate = 0.7, origins = { "west" } }
flow { from = "site_a",     to = "disarmed",   rate = 0.6 }
flow { from = "site_b",     to = "disarmed",   rate = 0.6 }
flow { from = "disarmed",   to = "demobilized", rate = 0.9 }
flow { from = "demobilized", to = "repatriated", rate = 0.5 }

cost { state = "site_a", per_person = 45, category = "site A upkeep" }
cost { state = "site_b", per_person = 60, category = "site B upkeep" }
