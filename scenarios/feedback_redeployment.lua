-- feedback_redeployment.lua - the Libya 2020 baseline (scenarios/libya_2020.lua)
-- with feedback, written as expressions (docs/expressions.md) that the engine
-- evaluates every month from the stocks at the start of the month, with no Lua
-- call during the run:
--   * the redeployment of stranded fighters grows with the stranded backlog:
--     its monthly hazard is redeploy_stranded * (1 + stranded / backlog_scale),
--     so a backlog of backlog_scale fighters doubles it (idle fighters in
--     camps are easier to recruit for another war);
--   * armed groups of Sudan and Chad recruit new fighters in proportion to
--     their idle (stranded) fighters: recruits = recruitment * stranded of
--     that origin, rounded to whole people in stochastic mode.
-- Everything else, data and params included, is the baseline's (extends, see
-- docs/scenarios.md); compare the two with `demob compare`.
scenario { extends = "libya_2020.lua", name = "Libya 2020 feedback" }

param { "redeploy_stranded", 0.03, min = 0.0, max = 0.1,
        description = "monthly redeployment hazard of a stranded fighter, with no backlog" }
param { "backlog_scale", 2000, min = 500, max = 10000,
        description = "stranded backlog that doubles their redeployment hazard" }
param { "recruitment", 0.02, min = 0.0, max = 0.1,
        description = "new recruits a month per idle (stranded) fighter, Sudan and Chad" }

-- Replaces the baseline's flow of the same name (stranded->redeployed, rate 0.03).
flow { from = "stranded", to = "redeployed",
       hazard = param "redeploy_stranded" * (1 + total "stranded" / param "backlog_scale") }
for _, o in ipairs { "Sudan", "Chad" } do
  arrivals { origin = o, state = "present", per_step = param "recruitment" * stock(o, "stranded") }
end

-- `demob sweep scenarios/feedback_redeployment.lua -o out/libya-feedback-sweep`: which lever matters most
-- (sensitivity.csv ranks the params by partial rank correlation with each outcome).
sweep { lhs = { "sudan", "chad", "syria_gna", "russia", "registration", "redeploy", "site_intake",
                "flights", "opposition_returns", "redeploy_stranded", "backlog_scale", "recruitment" },
        samples = 60, replicates = 20 }
