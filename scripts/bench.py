#!/usr/bin/env python3
"""Speed benchmark: commitsim against the random-number floor and the NumPy
reference on the canonical scenario, interleaved run by run.

Each round runs the floor, commitsim and (every `--numpy-every` rounds) the
NumPy reference back to back, so that all three see the same machine state;
the report gives medians and the median of the per-round ratios. Peak memory
comes from /usr/bin/time -v.

Usage: scripts/bench.py [--rounds 15] [--paths 200000] [--bench ../shared/bench]

The benchmark kit (canonical.toml, the floor, peer_numpy.py) is not part of
this repository; without it (no --bench folder) the script says "skipped"
and exits 0.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd):
    t = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1))
    cpu = sum(float(re.search(rf"{k} time \(seconds\): ([\d.]+)", out.stderr).group(1)) for k in ("User", "System"))
    timed.cpu = cpu
    return wall, rss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--paths", type=int, default=200000)
    ap.add_argument("--numpy-every", type=int, default=3)
    ap.add_argument("--bench", default=os.path.join(ROOT, "..", "shared", "bench"))
    ap.add_argument("--args", default="", help="extra commitsim arguments, e.g. '--threads 1'")
    ap.add_argument("--command", default="simulate", help="simulate, or 'sweep --offer NAME'")
    ap.add_argument("--floor", help="the floor's binary (default: the kit's floor/target/release/rng-floor)")
    ap.add_argument("--bin", help="commitsim's binary (default: target/release/commitsim)")
    a = ap.parse_args()
    scenario = os.path.join(a.bench, "canonical.toml")
    floor = os.path.join(a.bench, "floor", "target", "release", "rng-floor")
    ours = a.bin or os.path.join(ROOT, "target", "release", "commitsim")
    floor = a.floor or floor
    peer = os.path.join(a.bench, "peer_numpy.py")
    if not os.path.exists(scenario):
        print(f"skipped: {scenario} not found (the benchmark kit is not part of this repository)")
        return
    for p in (floor, ours):
        if not os.path.exists(p):
            sys.exit(f"missing {p}: build it with cargo build --release")
    cmd_ours = [ours] + a.command.split()[:1] + [scenario] + a.command.split()[1:] + ["--paths", str(a.paths), "--format", "json", "--quiet"] + a.args.split()
    rows = {"floor": [], "commitsim": [], "numpy": []}
    mem = {"floor": 0.0, "commitsim": 0.0, "numpy": 0.0}
    ratios_floor, ratios_numpy, cpu_floor, cpu_ours = [], [], [], []
    for r in range(a.rounds):
        tf, mf = timed([floor, str(a.paths), "333"])
        cpu_floor.append(timed.cpu)
        to, mo = timed(cmd_ours)
        cpu_ours.append(timed.cpu)
        rows["floor"].append(tf)
        rows["commitsim"].append(to)
        mem["floor"] = max(mem["floor"], mf)
        mem["commitsim"] = max(mem["commitsim"], mo)
        ratios_floor.append(to / tf)
        if a.numpy_every > 0 and r % a.numpy_every == 0:
            tn, mn = timed([sys.executable, peer, scenario, "--paths", str(a.paths)])
            rows["numpy"].append(tn)
            mem["numpy"] = max(mem["numpy"], mn)
            ratios_numpy.append(tn / to)
    print(f"command: {' '.join(cmd_ours[1:])}")
    print(f"{'program':<12} {'runs':>5} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MiB':>9}")
    for k, v in rows.items():
        if v:
            print(f"{k:<12} {len(v):>5} {statistics.median(v):>9.3f} {min(v):>7.3f} {max(v):>7.3f} {mem[k]:>9.1f}")
    print(f"commitsim / floor, median of per-round ratios: {statistics.median(ratios_floor):.2f}x "
          f"(range {min(ratios_floor):.2f} to {max(ratios_floor):.2f})")
    cpu_ratios = [o / f for o, f in zip(cpu_ours, cpu_floor)]
    print(f"CPU (user + system): floor median {statistics.median(cpu_floor):.3f} s, commitsim "
          f"{statistics.median(cpu_ours):.3f} s; median of per-round ratios {statistics.median(cpu_ratios):.2f}x")
    if ratios_numpy:
        print(f"numpy / commitsim, median of per-round ratios: {statistics.median(ratios_numpy):.1f}x "
              f"(range {min(ratios_numpy):.1f} to {max(ratios_numpy):.1f})")


if __name__ == "__main__":
    main()
