#!/usr/bin/env python3
"""Agreement check: commitsim against the independent NumPy reference.

Runs `commitsim simulate --format json` and `peer_numpy.py` on the canonical
benchmark scenario with the same paths and seed (different random streams:
the two are independent implementations) and checks, for every offer:
  - cost mean and savings mean agree within 4 combined standard errors;
  - prob_overcommit, prob_unused, utilisation and spillover agree within
    Monte Carlo error (4 binomial or sample standard errors).

With `--sampling all` (or a comma-separated list of methods) commitsim runs
once per sampling method, each checked against the one NumPy run.

Usage: scripts/compare_peer.py [--paths N] [--bench DIR] [--bin PATH] [--sampling all|M1,M2]
Exit status 0 = agreement, 1 = disagreement, 0 with "skipped" when Python's
numpy/scipy or the benchmark folder is missing.
"""
import argparse
import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", type=int, default=200000)
    ap.add_argument("--bench", default=os.path.join(ROOT, "..", "shared", "bench"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "commitsim"))
    ap.add_argument("--sampling", help="sampling methods to check (default: commitsim's default; 'all' for every one)")
    a = ap.parse_args()
    try:
        import numpy  # noqa: F401
        import scipy  # noqa: F401
    except ImportError:
        print("skipped: numpy and scipy are needed for the reference implementation")
        return 0
    scenario = os.path.join(a.bench, "canonical.toml")
    peer = os.path.join(a.bench, "peer_numpy.py")
    if not (os.path.exists(scenario) and os.path.exists(peer)):
        print(f"skipped: no benchmark at {a.bench}")
        return 0
    ref = json.loads(subprocess.check_output([sys.executable, peer, scenario, "--paths", str(a.paths)]))
    methods = [None] if not a.sampling else (
        ["random", "antithetic", "control", "antithetic-control"] if a.sampling == "all" else a.sampling.split(","))
    failures = 0
    for m in methods:
        extra = ["--sampling", m] if m else []
        ours = json.loads(subprocess.check_output(
            [a.bin, "simulate", scenario, "--paths", str(a.paths), "--format", "json", "--quiet"] + extra))
        print(f"sampling: {ours['scenario'].get('sampling', 'random')}")
        failures += check(ours, ref, a.paths)
    print("agreement" if failures == 0 else f"{failures} figure(s) disagree")
    return 1 if failures else 0


def check(ours, ref, n):
    failures = 0
    print(f"{'offer':<34} {'figure':<28} {'commitsim':>16} {'numpy':>16} {'z':>6}")
    for o, r in zip(ours["offers"], ref["offers"]):
        assert o["name"] == r["name"]
        rows = []
        for block in ("cost", "savings"):
            se = math.hypot(o[block]["std_error"], r[block]["std_error"])
            rows.append((f"{block}.mean", o[block]["mean"], r[block]["mean"], se))
        for block, keys in (("commitment", ("prob_overcommit", "prob_unused")), ("provisioned", ())):
            if o[block] is None:
                continue
            for k in keys:
                p = (o[block][k] + r[block][k]) / 2
                rows.append((f"{block}.{k}", o[block][k], r[block][k], math.sqrt(2 * p * (1 - p) / n)))
        # Means of bounded per-path figures: their standard error is at most 0.5 / sqrt(n) each.
        for block, keys in (("commitment", ("utilization_mean",)), ("provisioned", ("utilization_mean", "spillover_share_mean"))):
            if o[block] is None:
                continue
            for k in keys:
                rows.append((f"{block}.{k}", o[block][k], r[block][k], math.sqrt(2) * 0.5 / math.sqrt(n)))
        for fig, x, y, se in rows:
            z = (x - y) / se if se > 0 else (0.0 if x == y else math.inf)
            flag = "" if abs(z) <= 4 else "  <-- disagrees"
            failures += abs(z) > 4
            print(f"{o['name'][:34]:<34} {fig:<28} {x:>16.6g} {y:>16.6g} {z:>6.2f}{flag}")
    return failures


if __name__ == "__main__":
    sys.exit(main())
