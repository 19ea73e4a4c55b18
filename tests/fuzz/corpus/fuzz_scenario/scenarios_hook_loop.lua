-- hook_loop.lua: a hook that never returns, even under pcall.
scenario { steps = 5, states = { "a", "b" } }
origin { "X", a = 100 }
on_step(function(sim, t)
  if t == 2 then while true do pcall(function() while true do end end) end end
end)
