-- bad_rate_type.lua
scenario { steps = 6, states = { "a", "b", "c" } }
flow { from = "a", to = "b", rate = "fast" }
