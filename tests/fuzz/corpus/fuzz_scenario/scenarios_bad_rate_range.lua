-- bad_rate_range.lua
scenario { steps = 6, states = { "a", "b", "c" } }
flow { from = "a", to = "b", rate = 1.5 }
