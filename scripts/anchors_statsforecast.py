#!/usr/bin/env python3
"""Reference figures ("anchors") for the forecast calibration of
docs/forecast.md: statsforecast's AutoETS, AutoARIMA and AutoTheta (season
12) and the median combination of their bounds, on a monthly series set with
the last 12 months of each series held out, scored exactly as
`commitsim backtest` scores its own intervals (src/analysis/backtest.rs):

- coverage of the 80% and 90% intervals, pooled over every held-out month;
- MSIS of the 80% interval, `mean_h [(U - L) + 10 (L - y)+ + 10 (y - U)+] / scale`,
  with `scale` the mean absolute 12-month difference of the fit window,
  averaged over series;
- scaled error of the point forecast (statsforecast's mean), same scale.

The median combination takes, month by month, the median of the three
methods' lower bounds, of their upper bounds and of their point forecasts
(the M4 competition's interval combination).

The data sets stay in ../shared/data/monthly_series (not copied into the
project). Results are cached as JSON (default
/work/notes/forecast/anchors_<set>.json, with every series' bounds) so that a
rerun only prints them; --refresh fits again.

Usage: scripts/anchors_statsforecast.py [--data FILE ...] [--cache DIR] [--refresh]
                                        [--models ets,arima,theta] [--jobs N]
Needs `pip install statsforecast`. Exit 0; "skipped" when a data file is absent.
"""
import argparse
import csv
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data", "monthly_series")
SETS = ["m3_monthly_growth_dev.csv", "tourism_monthly_dev.csv"]
H = 12
NAMES = {"ets": "AutoETS", "arima": "AutoARIMA", "theta": "AutoTheta"}


def read_series(path):
    series = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            series.setdefault(row["series_id"], []).append((row["month"], float(row["value"])))
    for rows in series.values():
        rows.sort()
    return series


def scale_of(fit):
    lag = 12 if len(fit) > 12 else 1
    d = [abs(fit[i + lag] - fit[i]) for i in range(len(fit) - lag)]
    return sum(d) / len(d)


def fit_all(series, models, jobs):
    """Bounds per series and method: {sid: {method: {"mean", "lo80", "hi80", "lo90", "hi90"}}}."""
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta

    make = {"ets": lambda: AutoETS(season_length=12), "arima": lambda: AutoARIMA(season_length=12),
            "theta": lambda: AutoTheta(season_length=12)}
    rows = []
    for sid, obs in series.items():
        for month, v in obs[: len(obs) - H]:
            rows.append((sid, pd.Timestamp(month + "-01"), v))
    df = pd.DataFrame(rows, columns=["unique_id", "ds", "y"])
    out = {sid: {} for sid in series}
    timing = {}
    for key in models:
        t0 = time.time()
        sf = StatsForecast(models=[make[key]()], freq="MS", n_jobs=jobs)
        fc = sf.forecast(df=df, h=H, level=[80, 90])
        if "unique_id" not in fc.columns:
            fc = fc.reset_index()
        name = NAMES[key]
        for sid, g in fc.groupby("unique_id"):
            g = g.sort_values("ds")
            out[sid][name] = {
                "mean": g[name].tolist(),
                "lo80": g[f"{name}-lo-80"].tolist(),
                "hi80": g[f"{name}-hi-80"].tolist(),
                "lo90": g[f"{name}-lo-90"].tolist(),
                "hi90": g[f"{name}-hi-90"].tolist(),
            }
        timing[name] = time.time() - t0
        print(f"  {name}: {timing[name]:.0f} s", file=sys.stderr)
    if all(NAMES[k] in next(iter(out.values())) for k in ("ets", "arima", "theta")):
        for sid, m in out.items():
            three = [m[NAMES[k]] for k in ("ets", "arima", "theta")]
            m["median combination"] = {
                f: [sorted(x[f][h] for x in three)[1] for h in range(H)] for f in ("mean", "lo80", "hi80", "lo90", "hi90")
            }
    return out, timing


def score(series, bounds):
    """Pooled c80, c90, MSIS and scaled error of each method."""
    methods = list(next(iter(bounds.values())).keys())
    res = {}
    for name in methods:
        n = c80 = c90 = 0
        msis, err = [], []
        for sid, obs in series.items():
            y = [v for _, v in obs]
            fit, test = y[: len(y) - H], y[len(y) - H:]
            s = scale_of(fit)
            b = bounds[sid][name]
            iv, ae = 0.0, 0.0
            for h, v in enumerate(test):
                lo, hi, lo9, hi9 = b["lo80"][h], b["hi80"][h], b["lo90"][h], b["hi90"][h]
                n += 1
                c80 += lo <= v <= hi
                c90 += lo9 <= v <= hi9
                iv += (hi - lo) + 10 * max(lo - v, 0) + 10 * max(v - hi, 0)
                ae += abs(v - b["mean"][h])
            msis.append(iv / H / s)
            err.append(ae / H / s)
        res[name] = {"coverage_80": c80 / n, "coverage_90": c90 / n, "msis_80": sum(msis) / len(msis),
                     "scaled_error": sum(err) / len(err), "months": n}
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", nargs="*", default=[os.path.join(DATA, s) for s in SETS])
    ap.add_argument("--cache", default="/work/notes/forecast")
    ap.add_argument("--refresh", action="store_true")
    ap.add_argument("--models", default="ets,arima,theta")
    ap.add_argument("--jobs", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.cache, exist_ok=True)
    for path in a.data:
        if not os.path.exists(path):
            print(f"skipped: {path} not found")
            continue
        name = os.path.basename(path).removesuffix(".csv")
        cache = os.path.join(a.cache, f"anchors_{name}.json")
        series = read_series(path)
        if os.path.exists(cache) and not a.refresh:
            with open(cache) as f:
                saved = json.load(f)
        else:
            print(f"fitting {name} ({len(series)} series)", file=sys.stderr)
            bounds, timing = fit_all(series, a.models.split(","), a.jobs)
            saved = {"data": path, "holdout": H, "series": len(series), "seconds": timing, "bounds": bounds}
            saved["scores"] = score(series, bounds)
            with open(cache, "w") as f:
                json.dump(saved, f)
        print(f"{name}: {saved['series']} series, last {H} months held out (cache {cache})")
        print(f"{'method':<20} {'cover 80':>9} {'cover 90':>9} {'MSIS 80':>8} {'err':>7}")
        for m, s in saved["scores"].items():
            print(f"{m:<20} {s['coverage_80']:>9.3f} {s['coverage_90']:>9.3f} {s['msis_80']:>8.2f} {s['scaled_error']:>7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
