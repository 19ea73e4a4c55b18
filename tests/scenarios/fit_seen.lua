-- fit_seen.lua - a small fit to draw: 500 people, two flows, six months of
-- registrations and leavings (data/fit_seen_*.csv, made up, near r_in =
-- 0.1, r_out = 0.3). tests/cli/test_fit_report.sh fits it with few
-- iterations and checks `demob plot` and `demob report` of the fit.
scenario { name = "fit seen", steps = 6, unit = "month", start = "2021-01", mode = "deterministic",
           states = { "a", "b", "c" }, seed = 1 }
origin { "X", a = 500 }
param { "r_in", 0.2, min = 0.01, max = 0.6 }
param { "r_out", 0.2, min = 0.01, max = 0.9 }
flow { from = "a", to = "b", rate = param "r_in" }
flow { from = "b", to = "c", rate = param "r_out" }
observe { "registered", file = "data/fit_seen_in.csv", flow = "a->b" }
observe { "left", file = "data/fit_seen_out.csv", flow = "b->c" }
