-- sb_math_random.lua
scenario { steps = 6, states = { "a", "b", "c" } }
local x = math.random()
