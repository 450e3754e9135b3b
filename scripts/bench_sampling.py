#!/usr/bin/env python3
"""Precision per second of each sampling method (SPEC 6.7, issue 23).

Runs `simulate` of the canonical benchmark with every method for each of
`--seeds` seeds at `--paths` paths, methods interleaved seed by seed so that
all see the same machine state, and reports per method and offer:

- the spread (standard deviation) across seeds of each estimate: the savings
  mean (the figure the issue measures), and the tail figures p95 and cvar95
  of cost and, for commitments, prob_overcommit;
- the reported standard error of the savings mean (root mean square over
  seeds) over that spread: an honest standard error gives about 1;
- the CPU time per run (user + system of the child, median over seeds);
- variance x time, and plain Monte Carlo's over each method's: how many
  times less CPU a method needs for the same error. The issue asks the
  median over the three non-baseline offers, `random` over the default, to
  be at least 4.

Usage: scripts/bench_sampling.py [--seeds 24] [--paths 20000] [--threads 2]
       [--methods random,antithetic,control,antithetic-control] [--bench DIR] [--bin PATH]

The benchmark kit (canonical.toml) is not part of this repository; without
it the script says "skipped" and exits 0.
"""
import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT = "antithetic"


def cpu_of_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd):
    before = cpu_of_children()
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    cpu = cpu_of_children() - before
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    return json.loads(out.stdout), cpu


def figures(report):
    """Per non-baseline offer: the figures whose spread across seeds is measured."""
    rows = {}
    for o in report["offers"]:
        if o["name"] == report["baseline"]:
            continue
        f = {
            "savings_mean": o["savings"]["mean"],
            "savings_se": o["savings"]["std_error"],
            "cost_p95": o["cost"]["p95"],
            "cost_cvar95": o["cost"]["cvar95"],
        }
        if o.get("commitment"):
            f["prob_overcommit"] = o["commitment"]["prob_overcommit"]
        rows[o["name"]] = f
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=24)
    ap.add_argument("--first-seed", type=int, default=1000)
    ap.add_argument("--paths", type=int, default=20000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--methods", default="random,antithetic,control,antithetic-control")
    ap.add_argument("--bench", default=os.path.join(ROOT, "..", "shared", "bench"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "commitsim"))
    ap.add_argument("--json", help="also write the raw results here")
    a = ap.parse_args()
    scenario = os.path.join(a.bench, "canonical.toml")
    if not os.path.exists(scenario):
        print(f"skipped: {scenario} not found (the benchmark kit is not part of this repository)")
        return
    if not os.path.exists(a.bin):
        sys.exit(f"missing {a.bin}: build it with cargo build --release")
    methods = a.methods.split(",")
    results = {m: [] for m in methods}
    times = {m: [] for m in methods}
    for i in range(a.seeds):
        seed = a.first_seed + i
        # Rotate the order so no method always runs first in a round.
        order = methods[i % len(methods):] + methods[:i % len(methods)]
        for m in order:
            cmd = [a.bin, "--quiet", "--threads", str(a.threads), "simulate", scenario, "--paths", str(a.paths),
                   "--seed", str(seed), "--sampling", m, "--format", "json"]
            report, cpu = run(cmd)
            assert report["scenario"]["sampling"] == m, report["scenario"]
            results[m].append(figures(report))
            times[m].append(cpu)
        print(f"seed {seed} done", file=sys.stderr)
    offers = list(results[methods[0]][0].keys())
    stat = {}
    for m in methods:
        t = statistics.median(times[m])
        stat[m] = {"time": t, "offers": {}}
        for o in offers:
            rows = [r[o] for r in results[m]]
            s = {}
            for key in rows[0]:
                if key == "savings_se":
                    continue
                vals = [r[key] for r in rows]
                s[key] = statistics.variance(vals)
            rms_se = math.sqrt(statistics.mean(r["savings_se"] ** 2 for r in rows))
            s["se_over_spread"] = rms_se / math.sqrt(s["savings_mean"]) if s["savings_mean"] > 0 else float("nan")
            s["rms_se"] = rms_se
            stat[m]["offers"][o] = s
    base = stat["random"] if "random" in stat else None
    print(f"\n{a.seeds} seeds x {a.paths} paths, {a.threads} threads; CPU = user + system of one run (median)\n")
    print("| method | CPU per run | offer | sd of savings mean | reported s.e. (RMS) | s.e. / sd | "
          "random var x time / this |")
    print("|---|---:|---|---:|---:|---:|---:|")
    medians = {}
    for m in methods:
        gains = []
        for o in offers:
            s = stat[m]["offers"][o]
            gain = ""
            if base:
                g = (base["offers"][o]["savings_mean"] * base["time"]) / (s["savings_mean"] * stat[m]["time"])
                gains.append(g)
                gain = f"{g:.1f}"
            print(f"| {m} | {stat[m]['time']:.3f} s | {o} | {math.sqrt(s['savings_mean']):,.0f} | "
                  f"{s['rms_se']:,.0f} | {s['se_over_spread']:.2f} | {gain} |")
        if gains:
            medians[m] = statistics.median(gains)
    if medians:
        print("\nMedian over the offers of (variance x time), random over the method:")
        for m, g in medians.items():
            print(f"- {m}: **{g:.2f}x**")
    if base:
        print("\nTail figures, random var x time over the method's (above 1: better per second):\n")
        keys = ["cost_p95", "cost_cvar95", "prob_overcommit"]
        print("| method | offer | " + " | ".join(keys) + " |")
        print("|---|---|" + "---:|" * len(keys))
        for m in methods:
            if m == "random":
                continue
            for o in offers:
                cells = []
                for k in keys:
                    s, b = stat[m]["offers"][o].get(k), base["offers"][o].get(k)
                    if s is None or b is None:
                        cells.append("")
                    elif s == 0:
                        cells.append("equal" if b == 0 else "inf")
                    else:
                        cells.append(f"{(b * base['time']) / (s * stat[m]['time']):.2f}")
                print(f"| {m} | {o} | " + " | ".join(cells) + " |")
    if DEFAULT in stat:
        ok = all(0.7 <= stat[DEFAULT]["offers"][o]["se_over_spread"] <= 1.4 for o in offers)
        gain = medians.get(DEFAULT)
        print(f"\ndefault `{DEFAULT}`: reported s.e. / spread within 0.7-1.4 for every offer: {'yes' if ok else 'NO'}"
              + (f"; median gain {gain:.2f}x (needs at least 4): {'yes' if gain >= 4 else 'NO'}" if gain else ""))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"results": results, "times": times}, f)


if __name__ == "__main__":
    main()
