scenario { steps = 5, mode = "stochastic", runs = 2, seed = 1, states = { "a", "b", "c" } }
origin { "X", tags = { "t" }, a = 1000 }
origin { "Y\n,\"", tags = { "t" }, a = 4611686018427387904 }
param { r = 0.2 }
capacity { "cap", per_step = 50 }
flow { from = "a", to = "b", rate = param "r", capacity = "cap" }
flow { from = "b", to = "c", rate = 1 }
arrivals { origin = "X", state = "a", per_step = function(sim, t) return t end }
event { when = function(sim, t) return sim:total "c" > 10 end, set = { r = 0.5 } }
on_step(function(sim, t) if sim:random() < 0.5 then sim:set("r", 0.1) end end)
on_finish(function(sim) local w = csv.open("x/y.csv", { "a", "b" }) w:row { 1, "q\"" } w:close() end)
sweep { grid = { r = { 0.1, 0.2 } }, lhs = { r2 = { 0, 1 } }, samples = 3 }
