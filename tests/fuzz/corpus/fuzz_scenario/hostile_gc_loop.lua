scenario { steps = 3, mode = "stochastic", runs = 2, states = { "a", "b" } }
origin { "X", a = 1 } setmetatable({}, { __gc = function() while true do end end }) 
