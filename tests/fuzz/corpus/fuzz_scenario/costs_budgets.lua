scenario { name = "c", steps = 2, unit = "month", start = "2021-01", mode = "stochastic", runs = 2, seed = 3,
           states = { "p", "d", "r" } }
origin { "A", p = 100 }
origin { "B, \"b\"", p = 50 }
param { pk = 10, rr = 0.3 }
budget { "bud", initial = 500, per_step = 100 }
flow { from = "p", to = "d", rate = param "rr" }
flow { from = "d", to = "r", rate = 0.5, cost = param "pk", category = "pack", budget = "bud" }
cost { state = "d", per_person = 2, category = "camp" }
