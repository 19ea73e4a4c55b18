-- sb_require_path.lua
scenario { steps = 6, states = { "a", "b", "c" } }
local m = require "../../etc/passwd"
