-- bad_overwrite_decl.lua
scenario { steps = 6, states = { "a", "b", "c" } }
flow = "present->registered"
