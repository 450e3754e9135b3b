#!/usr/bin/env python3
"""Agreement check for SPEC 6.1-6.2: commitsim against a second, independent
implementation in NumPy of tests/fixtures/peer_capacity/scenario.toml (one
random workload with five token classes and a priority share, a price
schedule, a dual-limit reservation that does not serve priority traffic, and
a list-dollar reservation that does).

The model, written from docs/model.md and not from the Rust code:
  V_t = B exp( sum_{s<=t} (g + sigma e_s) ),  g = ln(1 + G) / 12, G ~ U(0.1, 0.7)
  list_t = V_t * price_t, price_t = sum_k share_k p_k(t) / 1e6 * tier, tier = 0.9 + 0.1 * 2
  a limit's load per minute: its classes' eligible tokens (or eligible list
  dollars) over the month's minutes; r = min_j C_j / lambda_j;
  served = E[min(X, r)] / E[X] for lognormal X of mean 1 and p99/mean 1.8.
Checks that cost, savings and utilisation means agree within 4 combined
standard errors. Exit 0 = agreement, 1 = disagreement; "skipped" without numpy/scipy.

Usage: scripts/peer_capacity.py [--bin PATH] [--paths N]
"""
import argparse
import calendar
import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "peer_capacity", "scenario.toml")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "commitsim"))
    ap.add_argument("--paths", type=int, default=100000)
    a = ap.parse_args()
    try:
        import numpy as np
        from scipy.stats import norm
    except ImportError:
        print("skipped: numpy and scipy are needed for the reference implementation")
        return 0
    out = subprocess.run(
        [a.bin, "-q", "simulate", FIXTURE, "--format", "json", "--paths", str(a.paths)],
        check=True, capture_output=True, text=True,
    ).stdout
    rs = {o["name"]: o for o in json.loads(out)["offers"]}

    rng = np.random.default_rng(20261204)
    n, h = a.paths, 12
    minutes = np.array([1440.0 * calendar.monthrange(2027, m)[1] for m in range(1, 13)])
    G = rng.uniform(0.1, 0.7, size=n)
    g = np.log1p(G) / 12.0
    e = rng.standard_normal((n, h))
    logv = np.log(5e9) + np.cumsum(g[:, None] + 0.15 * e, axis=1)
    V = np.exp(logv)
    shares = dict(input=0.55, output=0.25, cached=0.15, cw=0.05)
    p_out = np.where(np.arange(h) >= 6, 8.0, 10.0)
    per_tok_std = (shares["input"] * 2.0 + shares["output"] * p_out + shares["cached"] * 0.2 + shares["cw"] * 2.5) / 1e6
    tier = 0.9 + 0.1 * 2.0
    list_m = V * per_tok_std * tier
    base = list_m.sum(axis=1)

    z99 = norm.ppf(0.99)
    s = z99 - math.sqrt(z99 * z99 - 2.0 * math.log(1.8))

    def served(r):
        mu = -s * s / 2.0
        with np.errstate(divide="ignore"):
            lr = np.log(r)
        return norm.cdf((lr - mu - s * s) / s) + r * (1.0 - norm.cdf((lr - mu) / s))

    # Dual: input limit (input, cached, cache writes) 3,000/unit, output 1,200/unit;
    # only standard traffic (0.9 of tokens; no batch) is served, priority billed at list.
    units = 40.0
    elig_tok = V * 0.9
    l_in = elig_tok * (shares["input"] + shares["cached"] + shares["cw"])
    l_out = elig_tok * shares["output"]
    r_in = units * 3000.0 / (l_in / minutes)
    r_out = units * 1200.0 / (l_out / minutes)
    r = np.minimum(r_in, r_out)
    sv = served(r)
    elig_list = list_m * (0.9 / tier)
    cost_dual = units * 560.0 * h + ((1.0 - sv) * elig_list + (list_m - elig_list)).sum(axis=1)
    bind_load = np.where(r_in <= r_out, l_in, l_out)
    bind_c = np.where(r_in <= r_out, 3000.0, 1200.0)
    util_dual = (sv * bind_load).sum(axis=1) / (units * bind_c * minutes).sum(axis=1)

    # ListUSD: $0.01 a minute per unit on all traffic (standard and priority).
    units = 60.0
    r = units * 0.01 / (list_m / minutes)
    sv = served(r)
    cost_usd = units * 372.0 * h + ((1.0 - sv) * list_m).sum(axis=1)
    util_usd = (sv * list_m).sum(axis=1) / (units * 0.01 * minutes).sum()

    def se(x):
        return float(np.std(x, ddof=1) / math.sqrt(len(x)))

    checks = []
    for name, cost, util in [("Dual", cost_dual, util_dual), ("ListUSD", cost_usd, util_usd)]:
        o = rs[name]
        sav = base - cost
        checks.append((name, "cost.mean", o["cost"]["mean"], o["cost"]["std_error"], cost.mean(), se(cost)))
        checks.append((name, "savings.mean", o["savings"]["mean"], o["savings"]["std_error"], sav.mean(), se(sav)))
        u = o["provisioned"]["utilization_mean"]
        checks.append((name, "utilization_mean", u, None, util.mean(), se(util)))
    checks.append(("List", "cost.mean", rs["List"]["cost"]["mean"], rs["List"]["cost"]["std_error"], base.mean(), se(base)))
    ok = True
    print(f"{'offer':8} {'figure':18} {'commitsim':>14} {'numpy':>14} {'z':>6}")
    for name, fig, ours, ours_se, ref, ref_se in checks:
        # commitsim's own s.e. where it reports one; else the reference's (same design, same n).
        comb = math.sqrt((ours_se if ours_se is not None else ref_se) ** 2 + ref_se ** 2)
        z = (ours - ref) / comb if comb > 0 else 0.0
        flag = "" if abs(z) <= 4 else "  DISAGREE"
        ok &= abs(z) <= 4
        print(f"{name:8} {fig:18} {ours:14.6g} {ref:14.6g} {z:6.2f}{flag}")
    print("agreement" if ok else "disagreement")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
