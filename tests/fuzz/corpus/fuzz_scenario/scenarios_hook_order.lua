-- hook_order.lua: each step runs predicate events, then arrival functions,
-- then on_step; a predicate event fires once.
scenario { steps = 3, states = { "a", "b" } }
origin { "X", a = 100 }
param { r = 0 }
flow { from = "a", to = "b", rate = param "r" }
local log = {}
event { when = function(sim, t) log[#log + 1] = "event" .. t; return t == 2 end, set = { r = 0.5 } }
arrivals { origin = "X", state = "a", per_step = function(t) log[#log + 1] = "arrivals" .. t; return 10 * t end }
on_step(function(sim, t)
  log[#log + 1] = "step" .. t
  local want = ({ "event1,arrivals1,step1",
                  "event1,arrivals1,step1,event2,arrivals2,step2",
                  "event1,arrivals1,step1,event2,arrivals2,step2,arrivals3,step3" })[t]
  assert(table.concat(log, ",") == want, "order: " .. table.concat(log, ","))
  if t == 2 then assert(sim:get("r") == 0.5, "the event fired before on_step") end
end)
