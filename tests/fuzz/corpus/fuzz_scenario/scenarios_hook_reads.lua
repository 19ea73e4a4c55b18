-- hook_reads.lua: what sim reads and writes, checked against hand-worked
-- numbers (deterministic). Any failed assert fails the run.
scenario { steps = 3, states = { "a", "b", "c" } }
origin { "X", tags = "side", a = 1000 }
origin { "Y", tags = "side", a = 500 }
origin { "Z", a = 100 }
param { r = 0.5 }
capacity { "cap", per_step = 1e9 }
state { "c", ceiling = 1e9 }
flow { from = "a", to = "b", rate = param "r", name = "ab", capacity = "cap", cost = 2, category = "move" }
flow { from = "b", to = "c", rate = 0, name = "bc" }
budget { "money", initial = 1e6 }
local function fails(f, ...) local ok, msg = pcall(f, ...) return not ok and msg end
on_step(function(sim, t)
  assert(sim.t == t and sim:step() == t and sim.run == 1)
  if t == 1 then
    assert(sim:stock("X", "a") == 1000 and sim:total("a") == 1600 and sim:total() == 1600)
    assert(sim:moved("ab") == 0 and sim:cost() == 0)
    sim:arrive("Z", "c", 10)
    assert(fails(sim.stock, sim, "Nope", "a"):find("unknown origin 'Nope'"))
    assert(fails(sim.total, sim, "zz"):find("unknown state 'zz'"))
    assert(fails(sim.moved, sim, "nope"):find("unknown flow 'nope'"))
    assert(fails(sim.get, sim, "nope"):find("unknown param 'nope'"))
    assert(fails(function() sim.t = 3 end):find("read%-only"))
  elseif t == 2 then
    -- after step 1: half of each origin moved from a to b; 10 arrived in c
    assert(sim:stock("X", "b") == 500 and sim:stock("Z", "c") == 10)
    assert(sim:total("b", "side") == 750 and sim:origin_total("side") == 1500)
    assert(sim:total() == 1610)
    assert(sim:moved("ab") == 800 and sim:moved("ab", "side") == 750 and sim:moved("ab", "Z") == 50)
    assert(sim:cumulative("ab") == 800)
    assert(sim:cost("move") == 1600 and sim:step_cost("move") == 1600 and sim:cost() == 1600)
    assert(sim:budget("money") == 1e6)
    sim:capacity("cap", 5)
    assert(sim:capacity("cap") == 5)
    sim:ceiling("c", 1e6)
    assert(sim:ceiling("c") == 1e6)
    sim:disable("bc")
    assert(not sim:enabled("bc"))
    sim:enable("bc")
    assert(sim:enabled("bc"))
    sim:set("r", 0.25)
  else
    -- step 2: the capacity let 5 of 800 through, shared in proportion
    assert(math.abs(sim:moved("ab") - 5) < 1e-9)
    assert(math.abs(sim:cost("move") - 1610) < 1e-9 and math.abs(sim:step_cost() - 10) < 1e-9)
    assert(sim:get("r") == 0.25)
  end
end)
