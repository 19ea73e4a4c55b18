-- sb_c_loops.lua: loops inside C functions that allocate nothing
scenario { steps = 6, states = { "a", "b", "c" } }
assert(string.rep("", 2^62) == "" and ("ab"):rep(3, ",") == "ab,ab,ab")
assert(table.concat(table.move({ 1, 2, 3 }, 1, 3, 2), ",") == "1,1,2,3")
table.move({}, 1, 2^62, 2)
