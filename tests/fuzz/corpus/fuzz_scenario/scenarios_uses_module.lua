-- uses_module.lua - requires the embedded ddr and a module next to it.
local ddr = require "ddr"
local h = require "helper_mod"
assert(require "helper_mod" == h, "modules are cached")
scenario { steps = 2, states = h.states }
origin { "A", here = #ddr.states }
flow { from = "here", to = "there", rate = h.rate }
