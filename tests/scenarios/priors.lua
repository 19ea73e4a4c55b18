-- priors.lua - params with declared distributions (priors); test_priors.sh
-- sweeps over them and breaks them one at a time.
scenario { name = "priors", steps = 3, unit = "month", mode = "deterministic", states = { "a", "b" } }
origin { "X", a = 100 }
param { "r", 0.2, min = 0.05, max = 0.6, dist = "beta", alpha = 2, beta = 8 }
param { "s", 0.1, min = 0, max = 0.5, dist = "normal", mean = 0.1, sd = 0.05 }
param { "u", 0.3, min = 0.1, max = 0.5 }
param { "k", 2, dist = "discrete", values = { 2 } }
param { "t", 0.2, min = 0, max = 1, dist = "triangular" }
param { "l", 1, dist = "lognormal", mu = 0, sigma = 0.5, min = 0.5, max = 2 }
flow { from = "a", to = "b", rate = param "r" }
flow { from = "b", to = "a", rate = param "s" }
sweep { lhs = { "r", "s", "u", "k", "t", "l" }, samples = 40 }
