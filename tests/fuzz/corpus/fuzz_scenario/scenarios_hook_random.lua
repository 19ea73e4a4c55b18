-- hook_random.lua: hooks draw from the run's own stream.
scenario { steps = 4, states = { "a" }, mode = "stochastic", runs = 3, seed = 42 }
origin { "X", a = 0 }
on_step(function(sim, t)
  local u = sim:random()
  assert(u >= 0 and u < 1)
  sim:arrive("X", "a", sim:binomial(1000000, 0.3))
end)
