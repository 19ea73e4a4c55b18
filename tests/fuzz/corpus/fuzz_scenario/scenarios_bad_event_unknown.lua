-- bad_event_unknown.lua
scenario { steps = 6, states = { "a", "b", "c" } }
param { r = 0.1 }
event { at = 2, set = { rr = 0.2 } }
