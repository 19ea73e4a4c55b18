-- sb_io_open.lua
scenario { steps = 6, states = { "a", "b", "c" } }
local f = io.open("/etc/passwd")
