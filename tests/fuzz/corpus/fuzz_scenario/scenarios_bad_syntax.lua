-- bad_syntax.lua: a syntax error on line 3
scenario { steps = 6, states = { "a", "b", "c" } }
origin { "X" a = 10 }
