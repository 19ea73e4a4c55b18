-- bad_dup_capacity.lua
scenario { steps = 6, states = { "a", "b", "c" } }
capacity { "flights", per_step = 10 }
capacity { "flights", per_step = 20 }
