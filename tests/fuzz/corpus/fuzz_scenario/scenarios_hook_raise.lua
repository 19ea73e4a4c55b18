-- hook_raise.lua: a hook error at step 3 of run 2.
scenario { steps = 5, states = { "a", "b" }, mode = "stochastic", runs = 3 }
origin { "X", a = 100 }
flow { from = "a", to = "b", rate = 0.1 }
on_step(function(sim, t)
  if sim.run == 2 and t == 3 then error("boom at " .. t) end
end)
