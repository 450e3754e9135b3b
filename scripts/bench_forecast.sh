#!/usr/bin/env bash
# Forecast, back-test and history-based simulate speed (docs/performance.md,
# "Forecast and back-test").
#
#   scripts/bench_forecast.sh [RUNS]     default 10 runs per command
#
# Writes the 171 M3 growth series (../shared/data/monthly_series, not copied
# into the project) as a usage CSV twice: as given (for backtest, which does
# not care where series end) and shifted so that every series ends in
# 2026-12 (for forecast --history, which starts the month after the latest
# end and would otherwise simulate and discard up to 20 years of months for
# the series that end early). Then times the commands with hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
data=../shared/data/monthly_series/m3_monthly_growth_dev.csv
[ -f "$data" ] || { echo "skipped: $data not found"; exit 0; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$data" "$dir" <<'PY'
import csv, sys
from collections import defaultdict
src, out = sys.argv[1], sys.argv[2]
series = defaultdict(list)
for r in csv.DictReader(open(src, newline="")):
    series[r["series_id"]].append(round(float(r["value"]) * 1000))
end = 2026 * 12 + 11
with open(f"{out}/m3.csv", "w", newline="") as f, open(f"{out}/m3_aligned.csv", "w", newline="") as g:
    a, b = csv.writer(f), csv.writer(g)
    for w in (a, b):
        w.writerow(["month", "workload", "model", "input_tokens", "output_tokens"])
    for r in csv.DictReader(open(src, newline="")):
        a.writerow([r["month"], r["series_id"], "m3", round(float(r["value"]) * 1000), 0])
    for sid, values in series.items():
        for k, v in enumerate(values):
            i = end - (len(values) - 1 - k)
            b.writerow([f"{i // 12:04d}-{i % 12 + 1:02d}", sid, "m3", v, 0])
PY
cargo build --release --quiet
bin="$PWD/target/release/commitsim"
cmds=(
    "$bin forecast --history $dir/m3_aligned.csv --horizon 12 --paths 4000 --format json --quiet"
    "$bin forecast --history $dir/m3_aligned.csv --horizon 12 --paths 20000 --format json --quiet"
    "$bin forecast --history $dir/m3_aligned.csv --horizon 24 --paths 20000 --format json --quiet"
    "$bin backtest --history $dir/m3.csv --holdout 12 --format json --quiet"
    "$bin forecast scenarios/example-history.toml --format json --quiet"
    "$bin simulate scenarios/example-history.toml --format json --quiet"
    "$bin sweep scenarios/example-history.toml --offer 'Anthropic commit' --format json --quiet"
    "$bin simulate scenarios/example.toml --format json --quiet"
)
hyperfine --warmup 2 --runs "$runs" --output=null --export-json "$dir/times.json" "${cmds[@]}" >&2
python3 - "$dir/times.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    cmd = r["command"].replace(sys.argv[1].rsplit("/", 1)[0] + "/", "")
    print(f"{r['median'] * 1000:8.0f} ms median  {r['min'] * 1000:8.0f} ms best  {r['user'] * 1000:8.0f} ms user  {cmd}")
PY
