-- bad_min_stay_negative.lua
scenario { steps = 6, states = { "a", "b", "c" } }
state { "b", min_stay = -1 }
