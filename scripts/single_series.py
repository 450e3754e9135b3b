#!/usr/bin/env python3
"""The five single real series of ../shared/data/monthly_series/ end to end:
each is written as a usage CSV (values scaled to whole numbers; the data stays
in ../shared), then `commitsim backtest --holdout 12` and
`commitsim forecast --history --horizon 12` run on it. Prints, per series,
the selected model, the back-test scores against the two baselines, and the
last history month beside the forecast's p10/p50/p90 a year ahead.

Usage: scripts/single_series.py [--dir DIR] [--bin PATH]
"""
import argparse
import csv
import datetime
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MONTHS = {m: i + 1 for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])}
# file -> (scale to whole units, how to read the month)
SERIES = {
    "airline_passengers_1949_1960.csv": 1,
    "fpp2_a10_antidiabetic_drug_sales.csv": 1e6,
    "fpp2_auscafe_eating_out_expenditure.csv": 1e9,
    "eurostat_elec_equip_turnover.csv": 100,
    "pbs_immune_sera_scripts_intermittent.csv": 1,
}


def month_of(text):
    text = text.strip()
    if len(text) == 7 and text[4] == "-":
        return text
    if " " in text:  # "1991 Jul"
        y, m = text.split()
        return f"{int(y):04d}-{MONTHS[m]:02d}"
    d = datetime.datetime.strptime(text, "%b-%d-%Y")  # "Jan-1-1995"
    return f"{d.year:04d}-{d.month:02d}"


def run(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)}\n{out.stderr}")
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.path.join(ROOT, "..", "shared", "data", "monthly_series"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "commitsim"))
    a = ap.parse_args()
    if not os.path.isdir(a.dir):
        print(f"skipped: {a.dir} not found")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, scale in SERIES.items():
            path = os.path.join(a.dir, name)
            usage = os.path.join(tmp, name)
            with open(path, newline="") as f, open(usage, "w", newline="") as g:
                rows = list(csv.reader(f))[1:]
                w = csv.writer(g)
                w.writerow(["month", "model", "input_tokens", "output_tokens"])
                for r in rows:
                    w.writerow([month_of(r[0]), "series", round(float(r[1]) * scale), 0])
            bt = run([a.bin, "backtest", "--history", usage, "--holdout", "12", "--format", "json", "--quiet"])
            fc = run([a.bin, "forecast", "--history", usage, "--horizon", "12", "--format", "json", "--quiet"])
            s = fc["series"][0]
            last = s["history"][-1]
            print(f"\n{name} ({len(s['history'])} months): {s['method']}")
            for p in bt["pooled"]:
                print(f"  backtest {p['method']:<15} cover80 {p['coverage_80']:.2f}  cover90 {p['coverage_90']:.2f}  "
                      f"MSIS {p['msis_80']:6.2f}  median error {p['scaled_median_error']:.2f}")
            print(f"  last month {last['month']} = {last['tokens'] / scale:,.4g}; "
                  f"{fc['months'][-1]}: p10 {s['p10'][-1] / scale:,.4g}  p50 {s['p50'][-1] / scale:,.4g}  p90 {s['p90'][-1] / scale:,.4g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
