-- funding_gap.lua - pledges arrive late and reinsertion stalls. Each fighter who
-- goes from `demobilized` to `reintegrated` receives a reinsertion package of
-- 1,310 USD (the Liberia 2003 programme's cost per ex-combatant, in
-- scenarios/data/ddr_programme_figures.csv), paid from a budget with 2 million USD
-- at the start and pledged tranches in months 9 and 15. budgets.csv shows the
-- funding gap per month; summary.csv the final balance.
scenario { name = "Funding gap: late pledges", steps = 24, unit = "month", start = "2021-01",
           mode = "stochastic", runs = 100, seed = 9, currency = "USD",
           states = { "present", "registered", "demobilized", "reintegrated", "redeployed" } }
report { key_states = { "present", "redeployed" }, by_origin = "redeployed" }

origin { "Sudan", present = 6000 }
origin { "Chad",  present = 2000 }

param { package = 1310 }
budget { "reinsertion", initial = 2e6, per_step = 0,
         tranches = { { at = 9, amount = 4e6 }, { at = 15, amount = 4e6 } } }

flow { from = "present",     to = "registered",   rate = 0.2 }
flow { from = "registered",  to = "demobilized",  rate = 0.7 }
flow { from = "demobilized", to = "reintegrated", rate = 0.5, cost = param "package",
       category = "reinsertion", budget = "reinsertion" }
-- Demobilized fighters who wait without support drift back to armed groups.
flow { from = "demobilized", to = "redeployed",   rate = 0.04 }
