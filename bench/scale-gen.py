#!/usr/bin/env python3
# bench/scale-gen.py KIND N > file.lua: the generated models of bench/README.md
# ("Binding constraints and chained states"). KIND: free | bind | bindfixed |
# perorigin | chain; N: origins (a multiple of 6), or states for chain.
import sys
kind, n = sys.argv[1], int(sys.argv[2])
base = [("Sudan",3000),("Chad",2000),("Syria",7000),("Russia",2000),("Niger",500),("Other",1000)]
out = []
p = out.append
if kind == "chain":
    states = ["s%d" % i for i in range(n)]
    p('scenario { name = "chain", steps = 120, unit = "month", mode = "stochastic", runs = 100, seed = 1, states = {%s} }' % ",".join('"%s"' % s for s in states))
    for name, c in base:
        p('origin { "%s", s0 = %d }' % (name, c))
    for i in range(n - 1):
        p('flow { from = "s%d", to = "s%d", rate = 0.3 }' % (i, i + 1))
    print("\n".join(out)); sys.exit()
k = n // 6
p('local ddr = require "ddr"')
p('scenario { name = "gen", steps = 120, unit = "month", mode = "stochastic", runs = 100, seed = 1, states = ddr.states }')
names = []
for j in range(k):
    for name, c in base:
        nm = "%s_%d" % (name, j); names.append(nm)
        p('origin { "%s", present = %d }' % (nm, c))
scale = k if kind in ("bind", "perorigin") else 1
if kind == "free":
    p('capacity { "site_intake", per_step = %d }' % (600 * k * 100))
    p('capacity { "flights", per_step = %d }' % (300 * k * 100))
else:
    p('capacity { "site_intake", per_step = %d }' % (600 * scale))
    p('capacity { "flights", per_step = %d }' % (300 * scale))
    if kind == "perorigin":
        p('state { "cantoned", min_stay = 3, ceiling = { %s } }' % ", ".join("%s = 800" % nm for nm in names))
    else:
        p('state { "cantoned", min_stay = 3, ceiling = %d }' % (2500 * scale))
p('''flow { from = "present",      to = "registered",   rate = 0.10 }
flow { from = "present",      to = "redeployed",   rate = 0.02 }
flow { from = "registered",   to = "cantoned",     rate = 0.50, capacity = "site_intake" }
flow { from = "registered",   to = "present",      rate = 0.05 }
flow { from = "cantoned",     to = "disarmed",     rate = 0.40 }
flow { from = "cantoned",     to = "present",      rate = 0.02 }
flow { from = "disarmed",     to = "demobilized",  rate = 0.60 }
flow { from = "demobilized",  to = "repatriated",  rate = 0.30, capacity = "flights" }
flow { from = "demobilized",  to = "stranded",     rate = 0.20 }
flow { from = "demobilized",  to = "redeployed",   rate = 0.01 }
flow { from = "stranded",     to = "repatriated",  rate = 0.05 }
flow { from = "stranded",     to = "redeployed",   rate = 0.03 }
flow { from = "repatriated",  to = "reintegrated", rate = 0.25 }
flow { from = "reintegrated", to = "redeployed",   rate = 0.005 }''')
print("\n".join(out))
