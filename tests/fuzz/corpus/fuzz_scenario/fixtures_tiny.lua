-- tiny.lua - a small deterministic scenario whose output is checked
-- against tests/golden/tiny/ (worked by hand in tests/golden/README).
scenario { name = "tiny", steps = 3, unit = "month", start = "2021-01", mode = "deterministic",
           states = { "present", "cantoned", "home" } }
origin { "Chad", tags = { "south" }, present = 1000 }
origin { "Côte d'Ivoire, \"CI\"", tags = { "south" }, present = 200 }
param { intake = 0.5, site = 300 }
capacity { "site", per_step = param "site" }
flow { from = "present", to = "cantoned", rate = param "intake", capacity = "site" }
flow { from = "cantoned", to = "home", rate = 1.0, origins = { "south" } }
