-- libya_2020_fit.lua - calibrating the Libya baseline's return and
-- redeployment rates to the few public figures of 2020-21.
--
--   demob fit scenarios/libya_2020_fit.lua --params returns,redeploy,syria_gna -o out/libya-fit
--   demob fit scenarios/libya_2020_fit.lua --params returns,redeploy,syria_gna --method mcmc -o out/libya-mcmc
--   demob run scenarios/libya_2020_fit.lua --posterior out/libya-mcmc/posterior.csv --mode stochastic -o out/libya-forecast
--
-- Data (scenarios/data/libya_fit_observations.csv, each row with its source;
-- the figures come from scenarios/data/libya_foreign_fighters_2020.csv):
--   the total of foreign forces in December 2020 (S. Williams, 20,000); the
--   Syrians with the GNA and the Sudanese in February 2021 (S. Williams,
--   about 6,000 and 10,000); the Syrians on both sides and the Sudanese in
--   spring 2021 (Security Council diplomats to AP, 13,000 and 11,000).
-- Honesty: these are five rounded statements by officials, not counts. They
-- disagree (the origin estimates add up to more than the 20,000 total, and
-- the Syrian count rises from 6,000 to 13,000 in two months when it covers
-- both sides). Each is given a normal likelihood with a wide sd (the sd
-- column: our reading of how far a rounded public figure may be off), so
-- the fitted intervals are wide, and they should be: the data cannot pin a
-- monthly rate down to better than a factor of two or so. SOHR's running
-- count (18,000 Syrians sent, 10,750 returned by 2021) is left out: it
-- covers returns before the ceasefire, which this model does not start from.
-- The model is the baseline's caseload without the DDR pipeline (nobody was
-- registered or cantoned in 2020-21): people are present, go home, or leave
-- for another conflict.
scenario {
  name = "Libya 2020-21 calibration", steps = 12, unit = "month", start = "2020-11",
  mode = "deterministic", runs = 200, seed = 2020,
  states = { "present", "repatriated", "redeployed" },
}
-- The five origins with their caseloads (estimates and sources in
-- data/libya_foreign_fighters_2020.csv).
require "helper_libya_caseloads"
-- Priors: a Syrian fighter's monthly chance of going home, and anyone's of
-- leaving for another conflict; wide, since nothing public measures them.
param { "returns", 0.05, min = 0, max = 0.4, dist = "beta", alpha = 1.2, beta = 8,
        description = "monthly chance a Syrian fighter goes home" }
param { "redeploy", 0.015, min = 0, max = 0.2, dist = "beta", alpha = 1.2, beta = 30,
        description = "monthly chance of leaving for another conflict" }
flow { from = "present", to = "repatriated", rate = param "returns", origins = { "syrian" } }
flow { from = "present", to = "redeployed",  rate = param "redeploy" }
observe { "present", file = "data/libya_fit_observations.csv", state = "present", likelihood = "normal" }
