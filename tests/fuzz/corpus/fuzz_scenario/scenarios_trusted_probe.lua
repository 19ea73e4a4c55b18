-- trusted_probe.lua: with --trusted the full libraries are there (math.random
-- stays closed: reproducibility is not a matter of trust).
assert(io and io.open and os.execute and debug and package and package.loadlib, "trusted libraries missing")
assert(not pcall(math.random), "math.random works")
assert(require "ddr" and require "helper_mod", "require in trusted mode")
scenario { steps = 2, states = { "a" } }
origin { "X", a = 1 }
