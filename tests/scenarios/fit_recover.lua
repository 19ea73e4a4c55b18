-- fit_recover.lua - parameter recovery: data simulated in stochastic mode
-- at r_in = 0.08, r_out = 0.25 (the defaults) into data/recover_*.csv
-- (tests/cli/test_fit.sh and bench/fit_recovery.sh write them), then fitted.
scenario { name = "fit recover", steps = 12, unit = "month", start = "2021-01", mode = "deterministic",
           states = { "a", "b", "c" }, seed = 1 }
origin { "X", a = 2000 }
param { "r_in", 0.08, min = 0.001, max = 0.5 }
param { "r_out", 0.25, min = 0.001, max = 0.9 }
flow { from = "a", to = "b", rate = param "r_in" }
flow { from = "b", to = "c", rate = param "r_out" }
observe { "registered", file = "data/recover_in.csv", flow = "a->b" }
observe { "left", file = "data/recover_out.csv", flow = "b->c" }
