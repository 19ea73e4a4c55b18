-- bad_steps_fraction.lua
local x = 1
scenario { steps = 2.5, states = { "a" } }
