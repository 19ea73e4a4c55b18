-- membomb.lua
scenario { steps = 6, states = { "a", "b", "c" } }
local t = {} for i = 1, 1e9 do t[i] = { i } end
