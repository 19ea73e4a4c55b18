scenario { steps = 3, states = { "a", "b" } }
local n = 1 + math.floor(os.clock() * 1e6) % 7
for i = 1, n do origin { "O" .. i, a = 10 } end
flow { from = "a", to = "b", rate = 0.5 }
on_step(function(sim, t) end)
