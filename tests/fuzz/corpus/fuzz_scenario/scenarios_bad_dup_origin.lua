-- bad_dup_origin.lua
scenario { steps = 6, states = { "a", "b", "c" } }
origin { "Chad", a = 1 }
origin { "Chad", b = 1 }
