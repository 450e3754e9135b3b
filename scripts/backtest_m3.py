#!/usr/bin/env python3
"""Calibration back-test on real series: the 171 M3 monthly series with growth
(../shared/data/monthly_series/m3_monthly_growth_dev.csv, which stays there:
the M3 data is not copied into this project).

Writes the series as a usage CSV in a temporary folder (values × 1000,
rounded to whole "tokens"; coverage and scaled scores do not depend on the
unit), runs `commitsim backtest --holdout 12`, prints the pooled figures and
checks them against the acceptance targets of docs/forecast.md:
  80% interval coverage 76–84%, 90% interval coverage 86–94%,
  MSIS of the 80% interval no worse than statsforecast AutoETS (4.68).

Usage: scripts/backtest_m3.py [--data FILE] [--bin PATH] [--paths N] [--method auto|drift]
                              [--drop N] [--holdout M]
--drop N removes each series' last N months first (the robustness splits of
docs/forecast.md); --holdout M holds out M months instead of 12. The targets
are those of the acceptance split (drop 0, holdout 12).
Exit 0 when the targets hold (or the data is absent: "skipped"), 1 otherwise.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "monthly_series", "m3_monthly_growth_dev.csv"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "commitsim"))
    ap.add_argument("--paths", type=int, default=4000)
    ap.add_argument("--method", default="auto")
    ap.add_argument("--drop", type=int, default=0)
    ap.add_argument("--holdout", type=int, default=12)
    a = ap.parse_args()
    if not os.path.exists(a.data):
        print(f"skipped: {a.data} not found")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        usage = os.path.join(tmp, "m3.csv")
        with open(a.data, newline="") as f, open(usage, "w", newline="") as g:
            w = csv.writer(g)
            w.writerow(["month", "workload", "model", "input_tokens", "output_tokens"])
            series = {}
            for row in csv.DictReader(f):
                series.setdefault(row["series_id"], []).append(row)
            for rows in series.values():
                for row in rows[: len(rows) - a.drop]:
                    w.writerow([row["month"], row["series_id"], "m3", round(float(row["value"]) * 1000), 0])
        out = subprocess.run([a.bin, "backtest", "--history", usage, "--holdout", str(a.holdout), "--paths", str(a.paths),
                              "--method", a.method, "--format", "json", "--quiet"], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(out.stderr)
        r = json.loads(out.stdout)
    print(f"{len(r['series'])} series, {len(r['skipped'])} skipped, {r['paths']} paths per series, "
          f"last {a.drop} months dropped, {a.holdout} held out, method {a.method}")
    print(f"{'method':<16} {'cover 50':>9} {'cover 80':>9} {'cover 90':>9} {'MSIS 80':>8} {'med err':>8}")
    for p in r["pooled"]:
        print(f"{p['method']:<16} {p['coverage_50']:>9.3f} {p['coverage_80']:>9.3f} {p['coverage_90']:>9.3f} "
              f"{p['msis_80']:>8.2f} {p['scaled_median_error']:>8.3f}")
    ours = r["pooled"][0]
    checks = [
        ("80% coverage in [0.76, 0.84]", 0.76 <= ours["coverage_80"] <= 0.84),
        ("90% coverage in [0.86, 0.94]", 0.86 <= ours["coverage_90"] <= 0.94),
        ("MSIS <= 4.68 (AutoETS)", ours["msis_80"] <= 4.68),
    ]
    for name, ok in checks:
        print(("ok   " if ok else "FAIL ") + name)
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
