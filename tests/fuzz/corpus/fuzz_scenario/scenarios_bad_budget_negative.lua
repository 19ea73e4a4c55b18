-- bad_budget_negative.lua
scenario { steps = 6, states = { "a", "b", "c" } }
budget { "reinsertion", initial = -100 }
