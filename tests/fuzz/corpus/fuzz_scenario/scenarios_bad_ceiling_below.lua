-- bad_ceiling_below.lua: the ceiling is checked once the stocks are known
scenario { steps = 6, states = { "a", "b", "c" } }
state { "b", ceiling = 50 }
origin { "Chad", b = 80 }
