-- regress_bud_zero_d.lua: a free flow (cost 0) under a budget is not cut by money
scenario { name = "budzero", steps = 2, mode = "deterministic", states = {"present","home","camp"} }
origin { "A", present = 1000 }
flow { name = "free", from = "present", to = "camp", rate = 0.3, cost = 0, category = "t", budget = "money" }
flow { name = "paid", from = "present", to = "home", rate = 0.3, cost = 10, category = "t", budget = "money" }
budget { "money", initial = 500, per_step = 0 }
