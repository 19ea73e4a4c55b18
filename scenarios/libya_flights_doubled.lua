-- libya_flights_doubled.lua - the Libya 2020 baseline (scenarios/libya_2020.lua)
-- with 1,200 seats home a month instead of 600. Everything else is the
-- baseline's (extends, docs/scenarios.md). Compare:
--   demob run scenarios/libya_2020.lua -o out/base
--   demob run scenarios/libya_flights_doubled.lua -o out/flights
--   demob compare out/base out/flights
-- constraints.csv of the baseline shows why little changes: the flights
-- capacity rarely binds (see docs/commands.md).
scenario { extends = "libya_2020.lua", name = "Libya 2020, flights doubled" }

param { "flights", 1200, min = 200, max = 2500, description = "seats home per month" }
