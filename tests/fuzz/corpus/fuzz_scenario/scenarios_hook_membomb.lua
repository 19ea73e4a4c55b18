-- hook_membomb.lua: a hook that eats memory, under pcall.
scenario { steps = 5, states = { "a", "b" } }
origin { "X", a = 100 }
on_step(function(sim, t)
  for k = 1, 100 do pcall(function() local big = {} for i = 1, 1e9 do big[i] = { i } end end) end
end)
