-- bad_name_nul.lua
scenario { steps = 6, states = { "a", "b", "c" } }
origin { "Sud\0an", a = 1 }
