#!/usr/bin/env python3
"""Times `commitsim brief` on the example scenario against `commitsim simulate`
on it. The two commands alternate run by run, so that both see the same
machine load; wall time comes from a monotonic clock and CPU time from the
children's resource usage. Prints medians and the ratios brief / simulate.

Usage: scripts/bench_brief.py [RUNS] [--threads N]   (default 31 runs each)
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "commitsim")


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    user = after.ru_utime - before.ru_utime
    return wall, user, user + after.ru_stime - before.ru_stime


def main():
    args = sys.argv[1:]
    threads = []
    if "--threads" in args:
        i = args.index("--threads")
        threads = ["--threads", args[i + 1]]
        del args[i : i + 2]
    runs = int(args[0]) if args else 31
    if not os.access(BIN, os.X_OK):
        subprocess.run(["cargo", "build", "--release", "--locked"], check=True, cwd=ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        sim = [BIN, *threads, "simulate", "scenarios/example.toml", "--format", "json"]
        brief = [BIN, *threads, "brief", "scenarios/example.toml", "--contract", "contracts/azure-openai.toml",
                 "--contract", "contracts/anthropic.toml", "--out", os.path.join(tmp, "brief.html")]
        for _ in range(3):  # warm-up: page cache, CPU frequency
            timed(sim)
            timed(brief)
        rows = {"simulate": [], "brief": []}
        for _ in range(runs):
            rows["simulate"].append(timed(sim))
            rows["brief"].append(timed(brief))
    med = {k: [statistics.median(r[i] for r in v) for i in range(3)] for k, v in rows.items()}
    print(f"{runs} runs each, alternating{', ' + ' '.join(threads) if threads else ''}")
    for k in ("simulate", "brief"):
        w, u, c = med[k]
        print(f"{k:<9} median wall {w*1000:6.1f} ms   user {u*1000:6.1f} ms   user+sys {c*1000:6.1f} ms")
    s, b = med["simulate"], med["brief"]
    print(f"ratio     wall {b[0]/s[0]:.2f}   user {b[1]/s[1]:.2f}   user+sys {b[2]/s[2]:.2f}")
    pairs = [bw / sw for (bw, _, _), (sw, _, _) in zip(rows["brief"], rows["simulate"])]
    print(f"per-pair wall ratio: median {statistics.median(pairs):.2f}, "
          f"quartiles {statistics.quantiles(pairs, n=4)[0]:.2f} to {statistics.quantiles(pairs, n=4)[2]:.2f}")


if __name__ == "__main__":
    main()
