-- fit_beta.lua - a fit whose posterior is known: 100 people, one step, one
-- flow with rate r; 37 of them observed to move (binomial, 100 trials).
-- With the beta(2, 3) prior the posterior is beta(2 + 37, 3 + 63); the
-- maximum likelihood is 0.37 exactly. test_fit.sh checks both.
scenario { name = "fit beta", steps = 1, unit = "month", start = "2021-01", mode = "deterministic",
           states = { "a", "b" } }
origin { "X", a = 100 }
param { "r", 0.5, min = 0, max = 1, dist = "beta", alpha = 2, beta = 3 }
flow { from = "a", to = "b", rate = param "r" }
observe { "moved", file = "data/fit_beta.csv", flow = "a->b", likelihood = "binomial", trials = 100 }
