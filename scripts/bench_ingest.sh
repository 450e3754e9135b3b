#!/usr/bin/env bash
# History ingest speed against disk speed (docs/performance.md, "History ingest").
#
#   scripts/bench_ingest.sh [ROWS]      default 1,000,000 rows (about 62 MB)
#
# Generates a request log with scripts/gen_requests.py, then times `cat` and
# `wc -l` (the disk and page-cache floor), `validate` (read_history: monthly
# series) and `profile` (per-minute load) on it. Uses hyperfine when present.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
f="$dir/requests.csv"
python3 scripts/gen_requests.py --rows "$rows" --out "$f"
cargo build --release --quiet
bin="$PWD/target/release/commitsim"
echo "file: $rows rows, $(stat -c %s "$f") bytes"
cmds=("cat $f" "wc -l $f" "$bin validate $f" "$bin profile --history $f --format json")
if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --warmup 3 --runs 20 "${cmds[@]}"
else
    for c in "${cmds[@]}"; do
        /usr/bin/time -f "%e s wall, %U s user, %M KB max RSS: $c" $c >/dev/null
    done
fi
