-- bad_dup_state.lua
scenario { steps = 6,
  states = { "a", "b", "a" } }
