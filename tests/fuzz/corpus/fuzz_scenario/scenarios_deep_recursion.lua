-- deep_recursion.lua
scenario { steps = 6, states = { "a", "b", "c" } }
local function f(n) return 1 + f(n + 1) end
f(1)
