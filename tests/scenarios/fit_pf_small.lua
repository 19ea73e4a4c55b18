-- fit_pf_small.lua - a model small enough to enumerate, for the particle
-- filter's unbiasedness test (tests/unit/test_fit.c): 3 people, rate 0.4 out
-- of "a" for 2 steps; the stock of "b" observed (Poisson) at steps 1 and 2.
scenario { name = "pf small", steps = 2, unit = "month", start = "2021-01", mode = "stochastic",
           states = { "a", "b" }, seed = 5 }
origin { "X", a = 3 }
param { "r", 0.4, min = 0, max = 1 }
flow { from = "a", to = "b", rate = param "r" }
observe { "b", file = "data/fit_pf_small.csv", state = "b" }
