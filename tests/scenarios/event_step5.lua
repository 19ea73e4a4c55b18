-- event_step5.lua: fine with 6 steps; with --steps 3 the event is skipped, with a warning
scenario { steps = 6, states = { "a", "b", "c" } }
origin { "X", a = 1 }
param { r = 0.1 }
event { at = 5, set = { r = 0.2 } }
