-- hook_fire_once.lua: the predicate holds from step 2 on, but its event
-- fires once; on_step undoes it at step 3 and nothing redoes it.
scenario { steps = 5, states = { "a", "b" } }
origin { "X", a = 100 }
param { r = 0 }
flow { from = "a", to = "b", rate = param "r" }
event { when = function(sim, t) return t >= 2 end, set = { r = 0.5 } }
on_step(function(sim, t) if t == 3 then sim:set("r", 0) end end)
