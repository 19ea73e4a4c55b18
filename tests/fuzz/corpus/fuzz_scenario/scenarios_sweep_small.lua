-- sweep_small.lua - a small stochastic model with a declared sweep, for the
-- sweep CLI tests: 2 origins, 3 states, 12 steps; 3 x 4 points (a grid
-- crossed with a Latin hypercube) and 5 replicates = 60 runs.
scenario { name = "sweep-small", steps = 12, unit = "month", start = "2021-01",
           mode = "stochastic", runs = 5, seed = 3,
           states = { "present", "registered", "gone" } }
origin { "Sudan", present = 500 }
origin { "Syria", present = 300 }
param { "reg", 0.1, min = 0.05, max = 0.3 }
param { flights = 40 }
capacity { "flights", per_step = param "flights" }
flow { from = "present", to = "registered", rate = param "reg" }
flow { from = "registered", to = "gone", rate = 0.5, capacity = "flights" }
sweep {
  grid = { flights = { 20, 40, 60 } },
  lhs = { reg = { 0.05, 0.3 } },
  samples = 4,
  replicates = 5,
}
