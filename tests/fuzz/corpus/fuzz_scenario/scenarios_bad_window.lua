-- bad_window.lua
scenario { steps = 6, states = { "a", "b", "c" } }
flow { from = "a", to = "b", rate = 0.1, window = { 5, 2 } }
