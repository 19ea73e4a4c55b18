-- helper_libya_caseloads.lua - a module, not a scenario (files named
-- helper_* are left out where every scenario is run): the five origins of
-- the Libya scenarios, each with its caseload as a param whose default and
-- range are the central, low and high estimates of
-- data/libya_foreign_fighters_2020.csv (sources in that file).
-- `require "helper_libya_caseloads"` declares them; call it after scenario {}.
local est = {}
for _, row in ipairs(csv.read("data/libya_foreign_fighters_2020.csv")) do
  est[row.origin .. "/" .. row.side] = row
end
local function caseload(name, key)
  local e = est[key]
  return param { name, e.central, min = e.low, max = e.high,
                 description = "foreign fighters in Libya, " .. key .. " (Nov 2020)" }
end

origin { "Sudan",     tags = { "armed_opposition", "lna_side" }, present = caseload("sudan", "Sudan/LNA") }
origin { "Chad",      tags = { "armed_opposition", "lna_side" }, present = caseload("chad", "Chad/LNA") }
origin { "Syria-GNA", tags = { "syrian", "gna_side" },           present = caseload("syria_gna", "Syria/GNA") }
origin { "Syria-LNA", tags = { "syrian", "lna_side" },           present = caseload("syria_lna", "Syria/LNA") }
origin { "Russia",    tags = { "wagner", "lna_side" },           present = caseload("russia", "Russia/LNA") }
return true
