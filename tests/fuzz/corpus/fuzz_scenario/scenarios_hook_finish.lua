-- hook_finish.lua: on_finish writes a CSV of its own into the output folder.
scenario { steps = 2, states = { "a", "b" } }
origin { "X", a = 1000 }
flow { from = "a", to = "b", rate = 0.5 }
on_finish(function(sim)
  local w = csv.open("final.csv", { "run", "b" })
  w:row { sim.run, sim:total("b") }
  w:close()
end)
