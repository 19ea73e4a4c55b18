-- teacup.lua - the system-dynamics "teacup" test model: a cup at 180
-- degrees cools towards a room at 70 with characteristic time 10 (minutes),
-- Euler steps of dt = 0.125 for 30 minutes. The temperature is the stock
-- of "cup"; heat loss dt * (T - room) / tau moves out of it each step, so
-- its rate is that over the stock itself. tests/cli/test_expr.sh checks
-- every step against its own Euler solution.
scenario { name = "teacup", steps = 240, mode = "deterministic", states = { "cup", "lost" } }
origin { "tea", cup = 180 }
param { room = 70 }
param { tau = 10 }
param { dt = 0.125 }
flow { from = "cup", to = "lost", rate = param "dt" * (total "cup" - param "room") / (param "tau" * total "cup") }
