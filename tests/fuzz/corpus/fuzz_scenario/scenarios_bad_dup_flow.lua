-- bad_dup_flow.lua
scenario { steps = 6, states = { "a", "b", "c" } }
origin { "Chad", a = 1 }
origin { "Niger", a = 1 }
flow { from = "a", to = "b", rate = 0.1, origins = "Chad" }
flow { from = "a", to = "b", rate = 0.2, origins = "Niger" }
