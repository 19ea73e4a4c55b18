-- bad_event_step.lua: steps run 1..6
scenario { steps = 6, states = { "a", "b", "c" } }
param { r = 0.1 }
event { at = 9, set = { r = 0.2 } }
