-- bad_report_state.lua: report { } names a state that is not declared.
scenario { steps = 6, states = { "a", "b", "c" } }
report { key_states = { "a", "cc" } }
