-- sir_euler.lua - the system-dynamics "SIR" test model, Euler integration
-- folded into per-step rates (deterministic mode): with dt = 0.25,
--   S -> I at rate dt * beta * I / N   (movers dt * beta * S * I / N)
--   I -> R at rate dt * gamma          (movers dt * gamma * I)
-- both read at the start of the step, as Euler's method does.
-- tests/cli/test_expr.sh checks every step against its own Euler solution.
scenario { name = "sir-euler", steps = 400, mode = "deterministic", states = { "S", "I", "R" } }
origin { "pop", S = 990, I = 10 }
param { beta = 0.2 }
param { gamma = 0.1 }
param { dt = 0.25 }
param { N = 1000 }
flow { from = "S", to = "I", rate = param "dt" * param "beta" * total "I" / param "N" }
flow { from = "I", to = "R", rate = param "dt" * param "gamma" }
