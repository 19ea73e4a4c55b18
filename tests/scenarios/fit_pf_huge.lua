-- fit_pf_huge.lua - the particle filter's two paths (tests/unit/test_fit.c)
-- on counts past 2^53: 4e18 people go round a cycle of flows, so the
-- cumulative movers of "a->b" pass 2^53 at once and 2^63 at the larger
-- rates. A run keeps them in doubles; stepped lean they must be the same.
scenario { name = "pf huge", steps = 10, unit = "month", start = "2021-01", mode = "stochastic",
           states = { "a", "b" }, seed = 3 }
origin { "X", a = 4000000000000000000 }
param { "r", 0.2, min = 0.01, max = 0.6 }
flow { from = "a", to = "b", rate = param "r" }
flow { from = "b", to = "a", rate = 1 }
observe { "b", file = "data/fit_pf_huge_stock.csv", state = "b", likelihood = "normal", sd = 1e18 }
observe { "ab", file = "data/fit_pf_huge_cum.csv", flow = "a->b", cumulative = true, likelihood = "normal",
          sd = 1e18 }
