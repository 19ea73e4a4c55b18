-- bad_runtime.lua: a runtime error on line 3
scenario { steps = 6, states = { "a", "b", "c" } }
local t = nil; t.field = 1
