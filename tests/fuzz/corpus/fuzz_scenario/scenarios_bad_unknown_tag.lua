-- bad_unknown_tag.lua
scenario { steps = 6, states = { "a", "b", "c" } }
origin { "Sudan", tags = "lna_side", a = 10 }
arrivals { origins = "lna_sid", state = "a", per_step = 5 }
