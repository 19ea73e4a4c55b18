-- bad_stock_negative.lua
scenario { steps = 6, states = { "a", "b", "c" } }
origin { "Chad", a = -5 }
