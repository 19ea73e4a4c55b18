-- bad_unknown_budget.lua
scenario { steps = 6, states = { "a", "b", "c" } }
flow { from = "a", to = "b", rate = 0.1, cost = 5, budget = "reinsertoin" }
budget { "reinsertion", initial = 100 }
