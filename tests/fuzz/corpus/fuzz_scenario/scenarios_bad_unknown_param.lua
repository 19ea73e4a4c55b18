-- bad_unknown_param.lua
scenario { steps = 6, states = { "a", "b", "c" } }
param { registration = 0.1 }
flow { from = "a", to = "b", rate = param "registraton" }
