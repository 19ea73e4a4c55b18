-- bad_dup_param.lua
scenario { steps = 6, states = { "a", "b", "c" } }
param { flights = 600 }
param { "flights", 300 }
