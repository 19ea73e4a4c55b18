scenario { steps = 2, states = { "a" } }
local t = {} for i = 1, 1000 do t = { t } end
origin { "X", a = 1, tags = t }
