#!/usr/bin/env python3
"""Interleaved ingest timings: `cat FILE` and `BIN validate FILE` for each
binary given, run command by command in turn, cold (the file dropped from
the page cache before every run, posix_fadvise DONTNEED) and warm; prints
the median and minimum wall time of each, each median's ratio to `cat`'s,
and the median and quartiles of the ratio to `cat` within each round.
Interleaving is what makes two binaries comparable on a VM whose speed
drifts by up to 50% over minutes (docs/performance.md, "History ingest").

Usage: scripts/bench_ingest_ab.py FILE RUNS BIN [BIN ...]
  e.g. scripts/bench_ingest_ab.py /tmp/requests.csv 15 target/release/commitsim /tmp/commitsim-before
  (a request log: python3 scripts/gen_requests.py --rows 1000000 --out /tmp/requests.csv)
"""
import os
import statistics
import subprocess
import sys
import time


def evict(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    path, runs, bins = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    cmds = [("cat", ["cat", path])] + [(b, [b, "validate", path]) for b in bins]
    print(f"file: {path}, {os.path.getsize(path)} bytes, {runs} runs per command")
    for mode in ("cold", "warm"):
        times = {name: [] for name, _ in cmds}
        for r in range(runs + (0 if mode == "cold" else 2)):
            for name, cmd in cmds:
                if mode == "cold":
                    evict(path)
                start = time.perf_counter()
                subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                if mode == "cold" or r >= 2:  # two warm-up rounds when warm
                    times[name].append(time.perf_counter() - start)
        base = statistics.median(times["cat"])
        print(f"== {mode}")
        for name, _ in cmds:
            med = statistics.median(times[name])
            mb_s = os.path.getsize(path) / med / 1e6
            # Each round's time over that round's `cat`: steadier than a
            # ratio of medians when the machine's speed drifts.
            ratios = sorted(t / c for t, c in zip(times[name], times["cat"]))
            q = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
            print(f"  {name:<44} median {med * 1e3:8.1f} ms  min {min(times[name]) * 1e3:8.1f} ms  "
                  f"{mb_s:7.0f} MB/s  {med / base:5.2f} x cat  (per round {q[1]:.2f}, {q[0]:.2f}-{q[2]:.2f})")


if __name__ == "__main__":
    main()
