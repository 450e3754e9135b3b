#!/usr/bin/env python3
"""Writes scenarios/northwind-usage.csv: an ILLUSTRATIVE daily usage export for
the fictional Northwind Logistics of scenarios/example.toml, 18 months from
2025-07-01 to 2026-12-31, read by scenarios/example-history.toml.

The numbers are made up (seeded, so the file is reproducible), not measured:
they exist to show the history-based workflow end to end. Each workload's
monthly volume follows a log random walk with drift, ending near the
`monthly_tokens` that scenarios/example.toml states for December 2026; days
within a month vary around a weekday/weekend pattern. contract-review is
launched in March 2026 and ramps up, so its series starts later than the
others (commitsim treats that as a launch, not as missing months).

Usage: scripts/make_example_usage.py [--out FILE] [--seed N]
"""
import argparse
import calendar
import csv
import datetime
import math
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIRST = (2025, 7)
MONTHS = 18  # 2025-07 .. 2026-12

# name, model, tokens in 2026-12, annual growth, monthly noise (sd of log),
# weekend factor, (input, output, cached) shares, launch month or None
WORKLOADS = [
    ("support-bot", "azure-gpt-4.1", 8.0e9, 0.40, 0.05, 0.8, (0.70, 0.15, 0.15), None),
    ("email-drafting", "azure-gpt-4.1", 3.0e9, 0.05, 0.07, 0.3, (0.60, 0.40, 0.00), None),
    ("code-assist", "claude-sonnet-5-5", 7.0e9, 0.80, 0.06, 0.2, (0.60, 0.25, 0.15), None),
    ("ticket-triage", "claude-haiku-5-5", 30.0e9, 0.25, 0.04, 0.6, (0.85, 0.10, 0.05), None),
    ("contract-review", "claude-opus-5-5", 1.5e9, 0.30, 0.08, 0.1, (0.80, 0.20, 0.00), (2026, 3)),
]


def months():
    y, m = FIRST
    for _ in range(MONTHS):
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def monthly_path(rng, end, growth, sd, launch):
    """Monthly volumes ending at about `end`: a log random walk with drift
    ln(1 + growth) / 12, pinned so its last month is `end` times noise; a
    launch ramps over its first four months."""
    g = math.log1p(growth) / 12
    steps = [g + rng.gauss(0, sd) for _ in range(MONTHS)]
    logs = [0.0]
    for s in steps[1:]:
        logs.append(logs[-1] + s)
    shift = math.log(end) - logs[-1] + rng.gauss(0, sd)
    out = {}
    for k, (y, m) in enumerate(months()):
        if launch and (y, m) < launch:
            continue
        v = math.exp(logs[k] + shift)
        if launch:
            age = (y - launch[0]) * 12 + m - launch[1]
            v *= min(1.0, (age + 1) / 4)
        out[(y, m)] = v
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "scenarios", "northwind-usage.csv"))
    ap.add_argument("--seed", type=int, default=2027)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    rows = []
    for name, model, end, growth, sd, weekend, shares, launch in WORKLOADS:
        for (y, m), total in monthly_path(rng, end, growth, sd, launch).items():
            days = [datetime.date(y, m, d) for d in range(1, calendar.monthrange(y, m)[1] + 1)]
            weights = [(weekend if d.weekday() >= 5 else 1.0) * math.exp(rng.gauss(0, 0.08)) for d in days]
            scale = total / sum(weights)
            for d, w in zip(days, weights):
                tokens = w * scale
                inp, out, cached = (round(tokens * s) for s in shares)
                rows.append((d.isoformat(), name, model, inp, out, cached))
    rows.sort()
    with open(a.out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "workload", "model", "input_tokens", "output_tokens", "cached_input_tokens"])
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {a.out}")


if __name__ == "__main__":
    main()
