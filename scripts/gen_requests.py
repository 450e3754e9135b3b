#!/usr/bin/env python3
"""Writes a synthetic request log for the ingest benchmark (docs/performance.md).

One row per request, standard column names, ISO timestamps with 7 fractional
digits (like Azure's LLM trace), CRLF line ends. Requests arrive as a Poisson
process from 2027-01-01 over --days days; token counts are uniform. Seeded, so
the same arguments give the same file.

    python3 scripts/gen_requests.py --rows 1000000 --days 73 --out /tmp/requests.csv
"""
import argparse
import datetime
import random

MODELS = ["gpt-4.1", "claude-sonnet-5-5", "gemini-4-neon"]
WORKLOADS = ["chat", "search", "agents"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--days", type=float, default=73.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    mean_gap = a.days * 86400 / a.rows
    base = datetime.datetime(2027, 1, 1)
    t = 0.0
    with open(a.out, "w", newline="") as f:
        f.write("timestamp,workload,model,input_tokens,output_tokens,cached_input_tokens\r\n")
        for i in range(a.rows):
            t += rng.expovariate(1 / mean_gap)
            whole = int(t)
            frac = int((t - whole) * 10_000_000)
            stamp = (base + datetime.timedelta(seconds=whole)).strftime("%Y-%m-%d %H:%M:%S")
            f.write(
                f"{stamp}.{frac:07d},{WORKLOADS[i % 3]},{MODELS[i % 3]},"
                f"{rng.randint(1, 8000)},{rng.randint(1, 2000)},{rng.randint(0, 500)}\r\n"
            )


if __name__ == "__main__":
    main()
