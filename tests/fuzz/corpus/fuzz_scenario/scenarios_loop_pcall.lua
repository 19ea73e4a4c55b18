-- loop_pcall.lua: a pcall must not swallow the stop
scenario { steps = 6, states = { "a", "b", "c" } }
while true do pcall(function() while true do end end) end
