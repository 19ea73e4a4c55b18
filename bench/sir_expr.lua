-- sir_expr.lua - the stochastic SIR bench of `make bench` (bench/run), the
-- odin/dust kind of model with feedback: N 1,000, I0 10, beta 0.2,
-- gamma 0.1, dt 0.25, 800 steps, 20,000 runs. The infection hazard
-- beta I / N dt is an expression the engine evaluates every step (no Lua
-- call during the run); the flow's probability is 1 - exp(-hazard), as in
-- bench/sir_numpy.py and bench/sir_hook.lua.
scenario { name = "sir-expr", steps = 800, mode = "stochastic", runs = 20000, seed = 1,
           states = { "S", "I", "R" } }
origin { "pop", S = 990, I = 10 }
param { beta = 0.2 }
param { gamma = 0.1 }
param { dt = 0.25 }
param { N = 1000 }
flow { from = "S", to = "I", hazard = param "beta" * total "I" / param "N" * param "dt" }
flow { from = "I", to = "R", hazard = param "gamma" * param "dt" }
