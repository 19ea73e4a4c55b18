scenario { steps = 3, mode = "stochastic", runs = 2, states = { "a", "b" } }
origin { "X", a = 1 } do local x <close> = setmetatable({}, {__close = function() while true do pcall(function() while true do end end) end end}) while true do end end
