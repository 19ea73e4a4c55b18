-- bad_unknown_state.lua
scenario { steps = 6, states = { "a", "b", "c" } }
flow { from = "a", to = "cantonned", rate = 0.1 }
