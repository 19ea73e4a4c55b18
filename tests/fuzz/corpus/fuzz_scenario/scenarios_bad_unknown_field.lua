-- bad_unknown_field.lua
scenario { steps = 6, states = { "a", "b", "c" } }
flow { from = "a", to = "b", rtae = 0.1 }
