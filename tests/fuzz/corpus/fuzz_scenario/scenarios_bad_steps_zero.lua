-- bad_steps_zero.lua
local x = 1
scenario { steps = 0, states = { "a" } }
