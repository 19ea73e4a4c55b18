-- hook_basic.lua: on_step changes a rate at step 3 (deterministic).
scenario { steps = 5, states = { "a", "b" } }
origin { "X", a = 1000 }
param { r = 0.1 }
flow { from = "a", to = "b", rate = param "r" }
on_step(function(sim, t)
  if t == 3 then sim:set("r", 0.5) end
end)
