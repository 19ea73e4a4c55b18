-- hook_unknown_param.lua: a hook writes a param that does not exist.
scenario { steps = 5, states = { "a", "b" } }
origin { "X", a = 100 }
param { registration = 0.1 }
flow { from = "a", to = "b", rate = param "registration" }
on_step(function(sim, t)
  if t == 2 then sim:set("registraton", 0.2) end
end)
