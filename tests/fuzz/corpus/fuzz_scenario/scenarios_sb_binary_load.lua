-- sb_binary_load.lua
scenario { steps = 6, states = { "a", "b", "c" } }
local f = assert(load(string.char(27) .. "Lua"))
