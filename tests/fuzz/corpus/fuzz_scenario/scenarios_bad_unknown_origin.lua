-- bad_unknown_origin.lua
scenario { steps = 6, states = { "a", "b", "c" } }
origin { "Sudan", a = 10 }
flow { from = "a", to = "b", rate = 0.1, origins = { "Sudan", "Lybia" } }
