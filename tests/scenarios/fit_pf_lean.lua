-- fit_pf_lean.lua - the particle filter's two paths (tests/unit/test_fit.c):
-- a plain stochastic model (competing flows out of "a", an equal split of
-- rate-1 flows out of "b", two origins, a tag) that the filter steps lean,
-- observed as a stock by origin and in all, a flow per period and a
-- cumulative flow. Stepped lean or as whole runs, it gives the same numbers.
scenario { name = "pf lean", steps = 6, unit = "month", start = "2021-01", mode = "stochastic",
           states = { "a", "b", "c", "d" }, seed = 9 }
origin { "X", tags = { "all" }, a = 400 }
origin { "Y", tags = { "all" }, a = 150, b = 20 }
param { "r", 0.2, min = 0.01, max = 0.6 }
param { "s", 0.1, min = 0.01, max = 0.6 }
flow { from = "a", to = "b", rate = param "r" }
flow { from = "a", to = "c", rate = param "s" }
flow { from = "b", to = "c", rate = 1 }
flow { from = "b", to = "d", rate = 1 }
flow { from = "c", to = "d", rate = 0.3 }
observe { "c_stock", file = "data/fit_pf_lean_stock.csv", state = "c" }
observe { "ab", file = "data/fit_pf_lean_flow.csv", flow = "a->b" }
observe { "to_d", file = "data/fit_pf_lean_cum.csv", flow = { "b->d", "c->d" }, cumulative = true,
          likelihood = "negative_binomial", dispersion = 20 }
