-- stock_fraction_det.lua: fine deterministic, an error with --mode stochastic
scenario { steps = 6, states = { "a", "b", "c" } }
origin { "Chad", b = 2.5 }
