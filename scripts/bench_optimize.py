#!/usr/bin/env python3
"""Times `commitsim optimize` of a six-layer portfolio on the canonical
benchmark scenario against one `commitsim simulate` of the canonical
scenario itself (the requirement: optimize costs at most 20x one simulate;
docs/performance.md). The two alternate run by run, so each pair sees the
same machine load; prints the median wall and CPU (user + sys) times and the
median per-pair ratios.

The six layers: the canonical file's three commit and provisioned offers,
plus a provisioned reservation on frontier-b, prepaid credits on small-a and
an umbrella commitment on small-b with an eligible share and base spend,
written to a temporary copy of the scenario.

Usage: scripts/bench_optimize.py [RUNS] [BINARY]   (default 3 pairs; target/release/commitsim)

The canonical benchmark scenario (../shared/bench) is not part of this
repository; without it the benchmark is skipped, saying so.
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "..", "shared", "bench")

EXTRA = '''
[[offers]]
name = "Vendor B provisioned x 20"
kind = "provisioned"
scope = { models = ["frontier-b"] }
term_months = 12
units = 20
unit_price = 1.0
price_basis = "hour"
tokens_per_minute_per_unit = 10000
output_weight = 4.0
load = { peak_to_mean = 3.0 }

[[offers]]
name = "Vendor A small credits"
kind = "credits"
scope = { models = ["small-a"] }
purchases = [{ month = "2027-01", amount = 400_000 }, { month = "2028-01", amount = 400_000 }, { month = "2029-01", amount = 400_000 }]
price = 0.92
expires_months = 12

[[offers]]
name = "Vendor B umbrella"
kind = "commit"
scope = { models = ["small-b"] }
period = "year"
amount = 600_000
discount = 0.12
overage = "list"
eligible_share = 0.9
base_spend = { monthly = 20_000, growth_annual = 0.05, volatility_monthly = 0.03, correlation = 0.2 }

[[portfolios]]
name = "Six layers"
layers = ["Vendor A provisioned x 40", "Vendor B provisioned x 20", "Vendor A small credits",
          "Vendor A commit, annual, tiered", "Vendor B umbrella", "Vendor B commit, monthly"]
'''


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    binary = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "target", "release", "commitsim")
    canonical = os.path.join(BENCH, "canonical.toml")
    if not os.path.exists(canonical):
        print(f"skipped: {canonical} not found")
        return
    tmp = tempfile.mkdtemp()
    shutil.copy(os.path.join(BENCH, "prices.toml"), tmp)
    six = os.path.join(tmp, "six.toml")
    with open(canonical) as f, open(six, "w") as out:
        out.write(f.read() + EXTRA)
    sim = [binary, "simulate", canonical, "--format", "json", "--quiet"]
    opt = [binary, "optimize", six, "--portfolio", "Six layers", "--format", "json", "--quiet"]
    pairs = [(timed(sim), timed(opt)) for _ in range(runs)]
    med = statistics.median
    print(f"simulate canonical: wall {med(p[0][0] for p in pairs):.2f} s, cpu {med(p[0][1] for p in pairs):.2f} s")
    print(f"optimize six layers: wall {med(p[1][0] for p in pairs):.2f} s, cpu {med(p[1][1] for p in pairs):.2f} s")
    print(f"ratio wall {med(b[0] / a[0] for a, b in pairs):.2f}, cpu {med(b[1] / a[1] for a, b in pairs):.2f}"
          f" (pairs: {', '.join(f'{b[1] / a[1]:.2f}' for a, b in pairs)})")
    print(subprocess.run(opt[:-3] + ["--format", "table", "--quiet"], capture_output=True, text=True, cwd=ROOT).stdout)


if __name__ == "__main__":
    main()
