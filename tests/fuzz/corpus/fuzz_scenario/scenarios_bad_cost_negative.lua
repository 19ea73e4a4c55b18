-- bad_cost_negative.lua
scenario { steps = 6, states = { "a", "b", "c" } }
cost { state = "a", per_person = -3, category = "site" }
