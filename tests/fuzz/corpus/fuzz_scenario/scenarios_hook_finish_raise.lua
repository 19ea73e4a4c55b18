-- hook_finish_raise.lua
scenario { steps = 2, states = { "a", "b" } }
origin { "X", a = 1000 }
on_finish(function(sim)
  error("no report")
end)
