#!/usr/bin/env python3
"""Times `commitsim walkaway` of each commit and provisioned offer against a
25-level `commitsim sweep` of the same offer (the requirement: walkaway costs
at most 3x one sweep; docs/performance.md). The two alternate run by run, so
each pair sees the same machine load; prints, per offer, the median wall
times and the median and quartiles of the per-pair ratio walkaway / sweep.

Usage: scripts/bench_walkaway.py [RUNS]   (default 15 pairs per offer)

The canonical benchmark scenario (../shared/bench) is not part of this
repository; without it its cases are skipped, saying so.
"""
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "commitsim")
CASES = [
    ("scenarios/example.toml", "Anthropic commit"),
    ("scenarios/example.toml", "Azure PTU x 150 (1-yr)"),
    ("../shared/bench/canonical.toml", "Vendor A commit, annual, tiered"),
    ("../shared/bench/canonical.toml", "Vendor B commit, monthly"),
    ("../shared/bench/canonical.toml", "Vendor A provisioned x 40"),
]


def wall(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    subprocess.run(["cargo", "build", "--release", "--quiet"], check=True, cwd=ROOT)
    print(f"{'scenario':<32} {'offer':<34} {'sweep':>9} {'walkaway':>9} {'ratio':>6} {'quartiles':>12}")
    for scenario, offer in CASES:
        if not os.path.exists(os.path.join(ROOT, scenario)):
            print(f"skipped: {scenario} not found")
            continue
        swp = [BIN, "sweep", scenario, "--offer", offer, "--format", "json"]
        walk = [BIN, "walkaway", scenario, "--offer", offer, "--format", "json"]
        for _ in range(2):  # warm-up
            wall(swp), wall(walk)
        pairs = [(wall(swp), wall(walk)) for _ in range(runs)]
        ratios = sorted(b / a for a, b in pairs)
        q = statistics.quantiles(ratios, n=4)
        print(
            f"{scenario:<32} {offer:<34} {statistics.median(a for a, _ in pairs) * 1e3:7.1f}ms "
            f"{statistics.median(b for _, b in pairs) * 1e3:7.1f}ms {statistics.median(ratios):6.2f} "
            f"{q[0]:5.2f}-{q[2]:.2f}"
        )


if __name__ == "__main__":
    main()
