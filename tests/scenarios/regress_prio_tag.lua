-- regress_prio_tag.lua: the origins of a tag in a priority list share one rank
scenario { name = "priotag", steps = 1, mode = "deterministic", states = {"present","home"} }
origin { "Sudan", tags = {"opp"}, present = 1000 }
origin { "Chad", tags = {"opp"}, present = 1000 }
origin { "Syria", present = 1000 }
flow { from = "present", to = "home", rate = 0.5, capacity = "flights" }
capacity { "flights", per_step = 600, priority = { "opp", "Syria" } }
