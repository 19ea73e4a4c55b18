-- regress_ceil_cycle.lua: two full capped states trading people, plus entries: ceilings hold
scenario { name = "ceilcycle", steps = 1, mode = "deterministic", states = {"X","Y","Z"} }
origin { "A", X = 100, Y = 100, Z = 1000 }
state { "X", ceiling = 100 }
state { "Y", ceiling = 100 }
flow { from = "X", to = "Y", rate = 0.5 }
flow { from = "Y", to = "X", rate = 0.5 }
flow { from = "Z", to = "X", rate = 0.1 }
