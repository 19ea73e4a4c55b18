-- regress_bud_neg.lua: a budget refilled by a param (a negative value must be refused)
scenario { name = "budneg", steps = 3, mode = "stochastic", runs = 1, seed = 3, states = {"present","home"} }
param { refill = 100, price = 10 }
origin { "A", present = 1000 }
flow { name = "paid", from = "present", to = "home", rate = 0.3, cost = param "price", category = "t", budget = "money" }
budget { "money", initial = 500, per_step = param "refill" }
