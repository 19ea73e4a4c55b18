-- bad_stock_fraction.lua: fractional people in stochastic mode
scenario { steps = 6, states = { "a", "b" }, mode = "stochastic" }
origin { "Chad", a = 10.5 }
