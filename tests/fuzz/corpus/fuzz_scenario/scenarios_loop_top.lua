-- loop_top.lua: never returns
scenario { steps = 6, states = { "a", "b", "c" } }
while true do end
