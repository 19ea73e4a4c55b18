-- bad_no_scenario.lua: no scenario declaration at all
state { "a" }
