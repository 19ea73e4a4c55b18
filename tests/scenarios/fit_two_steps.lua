-- fit_two_steps.lua - a one-param fit with no closed form: 1000 people,
-- rate r out of "a" each step, movers counted in steps 1 and 2 (Poisson).
-- Predictions: 1000 r, then 1000 (1 - r) r. test_fit.sh checks the mle
-- against a fine grid search of the same likelihood.
scenario { name = "fit two steps", steps = 3, unit = "month", start = "2021-01", mode = "deterministic",
           states = { "a", "b" } }
origin { "X", a = 1000 }
param { "r", 0.5, min = 0.01, max = 0.99 }
flow { from = "a", to = "b", rate = param "r" }
observe { "moved", file = "data/fit_two_steps.csv", flow = "a->b" }
