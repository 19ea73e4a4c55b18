-- regress_sync_budget.lua: a budget stalls one side; the synchronised other side stalls too
scenario { name = "syncbud", steps = 3, mode = "deterministic", states = {"present","home"} }
origin { "A", tags = {"ta"}, present = 1000 }
origin { "B", tags = {"tb"}, present = 1000 }
flow { name = "a_go", from = "present", to = "home", rate = 0.5, origins = {"A"}, cost = 10, category = "transport", budget = "money" }
flow { name = "b_go", from = "present", to = "home", rate = 0.5, origins = {"B"} }
budget { "money", initial = 1000, per_step = 0 }
sync { "ta", "tb", ratio = 1, flows = { "a_go", "b_go" } }
