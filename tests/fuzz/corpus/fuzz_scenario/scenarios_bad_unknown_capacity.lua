-- bad_unknown_capacity.lua: used before the capacities are declared
scenario { steps = 6, states = { "a", "b", "c" } }
flow { from = "a", to = "b", rate = 0.1, capacity = "flihgts" }
capacity { "flights", per_step = 10 }
