-- sb_pattern_bomb.lua: a pattern that backtracks for hours inside one C call
scenario { steps = 6, states = { "a", "b", "c" } }
local s = string.rep("a", 300000)
local found = s:find(".-.-.-.-b")
