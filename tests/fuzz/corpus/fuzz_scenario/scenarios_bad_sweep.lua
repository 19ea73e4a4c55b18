-- bad_sweep.lua
scenario { steps = 6, states = { "a", "b", "c" } }
sweep "flights"
