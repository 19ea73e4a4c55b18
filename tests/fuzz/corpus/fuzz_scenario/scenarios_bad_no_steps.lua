-- bad_no_steps.lua
local x = 1
scenario { name = "no steps", states = { "a" } }
