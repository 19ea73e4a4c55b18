-- bad_dup_budget.lua
scenario { steps = 6, states = { "a", "b", "c" } }
budget { "reinsertion", initial = 10 }
budget { "reinsertion", initial = 20 }
