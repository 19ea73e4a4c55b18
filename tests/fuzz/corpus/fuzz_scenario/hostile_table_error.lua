scenario { steps = 3, mode = "stochastic", runs = 2, states = { "a", "b" } }
origin(setmetatable({ "X" }, { __index = function(t, k) error({}) end }))
