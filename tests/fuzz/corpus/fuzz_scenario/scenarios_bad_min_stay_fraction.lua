-- bad_min_stay_fraction.lua
scenario { steps = 6, states = { "a", "b", "c" } }
state { "b", min_stay = 1.5 }
