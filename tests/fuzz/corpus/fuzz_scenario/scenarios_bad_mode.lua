-- bad_mode.lua
scenario { steps = 6, states = { "a" },
           mode = "stocastic" }
