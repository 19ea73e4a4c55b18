-- lua_path_probe.lua: lua_path_mod is found through LUA_PATH, only with --trusted.
local m = require "lua_path_mod"
scenario { steps = 1, states = { "a" } }
origin { "X", a = m.n }
