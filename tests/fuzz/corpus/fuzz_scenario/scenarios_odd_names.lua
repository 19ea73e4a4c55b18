-- odd_names.lua: names with commas, quotes, newlines, UTF-8 and bytes that
-- are not UTF-8 are names like any other.
scenario { steps = 2, states = { "in, camp", 'say "hi"', "two\nlines" } }
origin { "Côte d'Ivoire", tags = "west, africa", ["in, camp"] = 10 }
origin { "\xff\xfe", ['say "hi"'] = 5 }
flow { from = "in, camp", to = "two\nlines", rate = 0.5, origins = "west, africa" }
