-- sir_hook.lua - bench/sir_expr.lua written the way feedback had to be
-- written before expressions: an on_step hook sets the infection
-- probability 1 - exp(-beta I / N dt) from the current I every step (one
-- Lua call per run per step). The "hook" variant of the SIR bench.
scenario { name = "sir-hook", steps = 800, mode = "stochastic", runs = 20000, seed = 1,
           states = { "S", "I", "R" } }
origin { "pop", S = 990, I = 10 }
param { p_inf = 0 }
local beta, gamma, dt, N = 0.2, 0.1, 0.25, 1000
flow { from = "S", to = "I", rate = param "p_inf" }
flow { from = "I", to = "R", rate = 1 - math.exp(-gamma * dt) }
on_step(function(sim)
  sim:set("p_inf", 1 - math.exp(-(beta * sim:total("I") / N * dt)))
end)
