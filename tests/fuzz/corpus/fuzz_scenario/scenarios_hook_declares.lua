-- hook_declares.lua: a hook may not declare (the model is fixed).
scenario { steps = 3, states = { "a", "b" } }
origin { "X", a = 10 }
on_step(function(sim, t)
  if t == 2 then event { when = function() return true end, set = {} } end
end)
