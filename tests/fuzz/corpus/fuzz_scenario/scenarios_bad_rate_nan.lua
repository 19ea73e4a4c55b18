-- bad_rate_nan.lua
scenario { steps = 6, states = { "a", "b", "c" } }
flow { from = "a", to = "b", rate = 0/0 }
