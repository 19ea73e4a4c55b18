-- sandbox_probe.lua: what a sandboxed scenario cannot reach. It loads only
-- when every check holds; a failed check names itself in the error.
local function fails(f, ...) return not pcall(f, ...) end
assert(io == nil, "io is reachable")
assert(debug == nil, "debug is reachable")
assert(package == nil, "package (loadlib, searchers) is reachable")
for _, k in ipairs { "execute", "remove", "rename", "exit", "getenv", "tmpname", "setlocale" } do
  assert(os[k] == nil, "os." .. k .. " is reachable")
end
assert(os.time and os.clock and os.date, "os.time/clock/date are missing")
assert(dofile == nil and loadfile == nil, "dofile/loadfile are reachable")
assert(string.dump == nil, "string.dump is reachable")
assert(fails(math.random) and fails(math.randomseed), "math.random works")
local f, msg = load("\27Lua\84\0")
assert(f == nil and msg:find("binary"), "a binary chunk loaded")
assert(fails(load, "return 1", "x", "b"), "load with mode 'b' works")
assert(load("return 1 + 1")() == 2, "text load is broken")
assert(collectgarbage("count") > 0, "collectgarbage('count') is broken")
assert(fails(collectgarbage, "collect") and fails(collectgarbage, "stop"), "collectgarbage works")
assert(fails(require, "../scenarios/helper_mod"), "require with a path works")
assert(fails(require, "helper_mod.x") and fails(require, "/etc/passwd"), "require with a path works")
assert(fails(require, "io") and fails(require, "debug") and fails(require, "os"), "require of a closed library works")
assert(require "csv" == csv and type(csv.read) == "function", "csv is missing")
assert(type(coroutine.wrap) == "function" and type(utf8.char) == "function", "coroutine/utf8 missing")
scenario { steps = 2, states = { "a" } }
origin { "X", a = 1 }
