-- libya_2020.lua - the post-ceasefire Libya baseline: foreign fighters after the
-- 23 October 2020 ceasefire, monthly from November 2020, three years.
--
-- Caseload (scenarios/data/libya_foreign_fighters_2020.csv, with sources):
--   UNSMIL's acting head S. Williams, 2 Dec 2020: "20,000 foreign forces and/or
--   mercenaries" in Libya. Reported breakdowns (low / central / high):
--   Sudanese 3,000 / 10,000 / 11,000 (UN Panel of Experts Dec 2019; S. Williams via
--   Asharq al-Awsat, Feb 2021; Security Council diplomats to AP, spring 2021);
--   Chadians 1,500 / 2,000 / 4,000 (FACT alone 1,500-2,000, experts cited by AFP,
--   Apr 2021); Syrians with the GNA 6,000 / 7,000 / 13,000 (S. Williams, Feb 2021;
--   SOHR; AP); Syrians recruited for the LNA 1,000 / 2,000 / 2,000 (AFRICOM 2020);
--   Russians (Wagner) 800 / 2,000 / 3,000 (UN Panel via Reuters, May 2020; AFRICOM).
--   The breakdowns add up to more than 20,000: the sources disagree, so every
--   caseload is a param with its range, for sweeps.
-- Policy (planning assumptions, to be varied): registration opens slowly; a
-- cantonment site takes 500 a month and holds 3,000, with a three-month stay;
-- 600 seats a month to fly people home. Sudan and Chad may refuse the return of
-- fighters from their armed opposition (Chad's president rejected it in Aug 2021):
-- their demobilized fighters become `stranded`, and risk redeployment.
-- Costs: transitional allowances of 150 USD at demobilization and 150 USD three
-- months on (UNHCR, Liberia 2003, scenarios/data/ddr_programme_figures.csv); site
-- running costs, cantonment upkeep and transport are assumptions (params).
local ddr = require "ddr"

scenario {
  name = "Libya 2020 baseline", steps = 36, unit = "month", start = "2020-11",
  mode = "stochastic", runs = 200, seed = 2020, states = ddr.states,
  -- the answer `demob run` prints: Sudanese and Chadian fighters after 12 and 24 months
  report_at = { "2021-11", "2022-11" },
  report_origins = { "Sudan", "Chad", "Sudan+Chad" },
  report_states = { "present", "stranded", "redeployed", "still_in_country", "ever_repatriated", "total_cost" },
}
report(ddr.report)

-- The five origins with their caseloads (estimates and sources in
-- data/libya_foreign_fighters_2020.csv).
require "helper_libya_caseloads"

param { "registration", 0.05, min = 0.01, max = 0.15, description = "monthly chance a fighter registers" }
param { "redeploy", 0.015, min = 0.0, max = 0.05, description = "monthly chance of leaving for another conflict" }
param { "site_intake", 500, min = 200, max = 1500, description = "cantonment intake per month" }
param { "site_places", 3000, min = 1000, max = 6000, description = "cantonment places" }
param { "flights", 600, min = 200, max = 1500, description = "seats home per month" }
param { "opposition_returns", 0.01, min = 0.0, max = 0.2,
        description = "monthly chance a stranded Sudanese or Chadian fighter goes home" }

state { "cantoned", ceiling = param "site_places", min_stay = 3 }

capacity { "site_intake", per_step = param "site_intake" }
capacity { "flights", per_step = param "flights" }

flow { from = "present",      to = "registered",   rate = param "registration" }
flow { from = "present",      to = "redeployed",   rate = param "redeploy" }
flow { from = "registered",   to = "cantoned",     rate = 0.5, capacity = "site_intake" }
flow { from = "registered",   to = "present",      rate = 0.05 }
flow { from = "cantoned",     to = "disarmed",     rate = 0.5 }
flow { from = "cantoned",     to = "present",      rate = 0.02 }
flow { from = "disarmed",     to = "demobilized",  rate = 0.8 }
flow { from = "demobilized",  to = "repatriated",  rate = 0.4, capacity = "flights",
       origins = { "syrian", "wagner" } }
flow { from = "demobilized",  to = "stranded",     rate = 0.3, origins = { "armed_opposition" } }
flow { from = "demobilized",  to = "redeployed",   rate = 0.01 }
flow { from = "stranded",     to = "repatriated",  rate = param "opposition_returns", capacity = "flights",
       origins = { "armed_opposition" } }
flow { from = "stranded",     to = "redeployed",   rate = 0.03 }
flow { from = "repatriated",  to = "reintegrated", rate = 0.3 }
flow { from = "reintegrated", to = "redeployed",   rate = 0.005 }

param { allowance = 150, cantonment_cost = 60, transport_cost = 400, site_cost = 50000 }
cost { flow = "disarmed->demobilized", per_person = param "allowance", category = "allowances" }
cost { flow = "repatriated->reintegrated", per_person = param "allowance", category = "allowances" }
cost { state = "cantoned", per_person = param "cantonment_cost", category = "cantonment" }
cost { flow = "demobilized->repatriated", per_person = param "transport_cost", category = "transport" }
cost { flow = "stranded->repatriated", per_person = param "transport_cost", category = "transport" }
cost { fixed = param "site_cost", while_occupied = "cantoned", category = "site" }

-- Outcomes (scripts/ddr.lua): still_in_country, ever_repatriated, ever_redeployed, total_cost.
ddr.outcomes { costs = true }

-- `demob sweep scenarios/libya_2020.lua -o out/libya-sweep`: which lever matters most
-- (sensitivity.csv ranks the params by partial rank correlation with each outcome).
sweep { lhs = { "sudan", "chad", "syria_gna", "russia", "registration", "redeploy", "site_intake",
                "flights", "opposition_returns" },
        samples = 60, replicates = 20 }
