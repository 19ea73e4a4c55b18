-- membomb_pcall.lua: a pcall must not swallow the memory limit
scenario { steps = 6, states = { "a", "b", "c" } }
for k = 1, 100 do pcall(function() local t = {} for i = 1, 1e9 do t[i] = { i } end end) end
origin { "X", a = 1 }
