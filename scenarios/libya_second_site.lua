-- libya_second_site.lua - the Libya 2020 baseline (scenarios/libya_2020.lua)
-- with a feedback policy: the first cantonment site is smaller (2,000
-- places: in the baseline 3,000 never fill past about 2,000), and when it is
-- 90% full a second site of the same size opens (places and monthly intake
-- double, and it has its own running cost). The decision is an on_step hook; whether the site
-- is open is the param `second_site` (0 or 1), set by the hook in the run's
-- own values, so every run starts with it closed and opens it on its own
-- month. Everything else is the baseline's (extends, docs/scenarios.md).
scenario { extends = "libya_2020.lua", name = "Libya 2020, second site at 90%" }

param { "site_places", 2000, min = 1000, max = 6000, description = "places of one cantonment site" }
param { "second_site", 0, min = 0, max = 1, description = "1 once the second cantonment site is open" }
local open_at = 0.9   -- occupancy of the first site that opens the second

-- Replace the baseline's site: places, intake and running cost follow the switch.
state { "cantoned", ceiling = param "site_places" * (1 + param "second_site"), min_stay = 3 }
capacity { "site_intake", per_step = param "site_intake" * (1 + param "second_site") }
cost { fixed = param "site_cost" * param "second_site", while_occupied = "cantoned", category = "second site" }

on_step(function(sim, t)
  if sim:get("second_site") == 0 and sim:total("cantoned") >= open_at * sim:get("site_places") then
    sim:set("second_site", 1)
  end
end)
