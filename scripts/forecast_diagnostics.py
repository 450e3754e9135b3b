#!/usr/bin/env python3
"""Where a forecast's intervals are too wide or too narrow: per horizon, per
selected model and per history length, on a monthly series set with the
last 12 months of each series held out (docs/forecast.md, "Seasonal
series").

Each series' fit window is written as a usage CSV, shifted to end in the
same month (`auto` reads the month of the year from the position in the
series, not from the calendar, so the shift changes nothing), and
`commitsim forecast --history --horizon 12` is run on it: the very fit and
sampler of `backtest`. Then, against the held-out months:

- c80 / c90: coverage of p10–p90 and p5–p95;
- width: (p90 - p10) / scale, scale as in `backtest` (mean absolute 12-month
  difference of the fit window);
- err: |y - p50| / scale;
- ratio: err / (half-width / 1.2816), the error in units of the predictive
  σ the interval implies; a calibrated Gaussian forecast gives a mean near
  0.80 (E|Z|) and a median near 0.67;
- MSIS of the 80% interval, as `backtest` computes it.

Usage: scripts/forecast_diagnostics.py --data FILE [--bin PATH] [--paths N] [--drop N]
"""
import argparse
import csv
import json
import os
import statistics as st
import subprocess
import sys
import tempfile
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
H = 12


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "commitsim"))
    ap.add_argument("--paths", type=int, default=4000)
    ap.add_argument("--drop", type=int, default=0)
    ap.add_argument("--json", help="write per-series rows here")
    a = ap.parse_args()
    if not os.path.exists(a.data):
        print(f"skipped: {a.data} not found")
        return 0
    series = defaultdict(list)
    with open(a.data, newline="") as f:
        for row in csv.DictReader(f):
            series[row["series_id"]].append((row["month"], float(row["value"])))
    end = 2026 * 12 + 11
    with tempfile.TemporaryDirectory() as tmp:
        usage = os.path.join(tmp, "usage.csv")
        with open(usage, "w", newline="") as g:
            w = csv.writer(g)
            w.writerow(["month", "workload", "model", "input_tokens", "output_tokens"])
            for sid, obs in series.items():
                obs.sort()
                obs = obs[: len(obs) - a.drop]
                fit = obs[: len(obs) - H]
                y, m = fit[-1][0].split("-")
                last = int(y) * 12 + int(m) - 1
                shift = end - last
                for month, v in fit:
                    y, m = month.split("-")
                    i = int(y) * 12 + int(m) - 1 + shift
                    w.writerow([f"{i // 12:04d}-{i % 12 + 1:02d}", sid, "m", round(v * 1000), 0])
        out = subprocess.run([a.bin, "forecast", "--history", usage, "--horizon", str(H), "--paths", str(a.paths),
                              "--format", "json", "--quiet"], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(out.stderr)
        r = json.loads(out.stdout)
    m0 = r["months"][0]
    first = int(m0[:4]) * 12 + int(m0[5:7]) - 1
    rows = []
    for s in r["series"]:
        obs = series[s["workload"]][: len(series[s["workload"]]) - a.drop]
        fit = [v for _, v in obs[: len(obs) - H]]
        test = [v for _, v in obs[len(obs) - H:]]
        lag = 12 if len(fit) > 12 else 1
        scale = sum(abs(fit[i + lag] - fit[i]) for i in range(len(fit) - lag)) / (len(fit) - lag)
        off = end + 1 - first
        per = []
        for h in range(H):
            p5, p10, p50, p90, p95 = (s[k][off + h] / 1000 for k in ("p5", "p10", "p50", "p90", "p95"))
            v = test[h]
            hw = max((p90 - p10) / 2 / 1.2816, 1e-12)
            iv = (p90 - p10) + 10 * max(p10 - v, 0) + 10 * max(v - p90, 0)
            per.append({"c80": p10 <= v <= p90, "c90": p5 <= v <= p95, "width": (p90 - p10) / scale,
                        "err": abs(v - p50) / scale, "ratio": abs(v - p50) / hw, "is": iv / scale,
                        "signed": (v - p50) / hw})
        rows.append({"id": s["workload"], "n": len(fit), "method": s["method"], "h": per})
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f)

    def summary(label, cells, nser):
        c80 = sum(c["c80"] for c in cells) / len(cells)
        c90 = sum(c["c90"] for c in cells) / len(cells)
        print(f"{label:<34} {nser:>4} {c80:>6.3f} {c90:>6.3f} {st.mean(c['width'] for c in cells):>7.2f} "
              f"{st.mean(c['err'] for c in cells):>6.2f} {st.mean(c['ratio'] for c in cells):>6.2f} "
              f"{st.median(c['ratio'] for c in cells):>6.2f} {st.mean(c['signed'] for c in cells):>+6.2f} "
              f"{st.mean(c['is'] for c in cells):>6.2f}")

    head = f"{'':<34} {'ser':>4} {'c80':>6} {'c90':>6} {'width':>7} {'err':>6} {'ratio':>6} {'r med':>6} {'bias':>6} {'MSIS':>6}"
    print(f"{len(rows)} series, {a.paths} paths, last {a.drop} dropped, {H} held out")
    print(head)
    summary("all", [c for r in rows for c in r["h"]], len(rows))
    print("by horizon")
    for h0, h1 in ((0, 1), (1, 3), (3, 6), (6, 9), (9, 12)):
        summary(f"  h {h0 + 1}-{h1}", [c for r in rows for c in r["h"][h0:h1]], len(rows))
    print("by selected model")
    groups = defaultdict(list)
    for r in rows:
        d = r["method"].split("(")[0].removeprefix("auto: ").strip().rstrip(",")
        groups[d].append(r)
    for d, rs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        summary(f"  {d[:32]}", [c for r in rs for c in r["h"]], len(rs))
    print("by fit length")
    for lo, hi in ((0, 48), (48, 96), (96, 180), (180, 10000)):
        rs = [r for r in rows if lo <= r["n"] < hi]
        if rs:
            summary(f"  {lo}-{hi - 1} months", [c for r in rs for c in r["h"]], len(rs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
