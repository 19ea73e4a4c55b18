-- regress_origin_late.lua: origins declared after a flow for all origins join it
scenario { name = "late", steps = 5, mode = "deterministic", states = {"present","gone"} }
origin { "A", present = 1000 }
flow { from = "present", to = "gone", rate = 0.2 }
origin { "B", present = 1000 }
origin { "C", present = 1000 }
origin { "D", present = 1000 }
origin { "E", present = 1000 }
origin { "F", present = 1000 }
origin { "G", present = 1000 }
origin { "H", present = 1000 }
origin { "I", present = 1000 }
origin { "J", present = 1000 }
