-- hook_kept_sim.lua: a sim object kept in a global is dead once its run ends.
scenario { steps = 3, states = { "a", "b" }, mode = "stochastic", runs = 2 }
origin { "X", a = 100 }
flow { from = "a", to = "b", rate = 0.1 }
on_step(function(sim, t)
  if sim.run == 1 then kept = sim; assert(kept:total() == 100) end
  if sim.run == 2 then return kept:total() end
end)
