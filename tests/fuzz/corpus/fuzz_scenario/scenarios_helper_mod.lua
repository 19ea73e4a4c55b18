-- helper_mod.lua - a module next to a scenario, found by require.
return { states = { "here", "there" }, rate = 0.25 }
