#!/usr/bin/env bash
# History ingest speed against disk speed (docs/performance.md, "History ingest").
#
#   scripts/bench_ingest.sh [ROWS] [RUNS]   default 1,000,000 rows (about 62 MB), 15 runs
#
# Generates a request log with scripts/gen_requests.py, then times `cat` (the
# disk and page-cache floor), `validate` (read_history: monthly series) and
# `profile` (per-minute load) on it, with hyperfine, twice:
#   cold  the file's pages are dropped from the page cache before every run
#         (posix_fadvise DONTNEED, so the binaries stay cached): each run
#         reads the file from the disk, as a first read of an export does;
#   warm  the file is in the page cache: the parsing speed alone.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
runs=${2:-15}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
f="$dir/requests.csv"
python3 scripts/gen_requests.py --rows "$rows" --out "$f"
cargo build --release --quiet
bin="$PWD/target/release/commitsim"
evict="python3 -c \"import os; fd = os.open('$f', os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)\""
echo "file: $rows rows, $(stat -c %s "$f") bytes"
cmds=("cat $f" "$bin validate $f" "$bin profile --history $f --format json")
echo "== cold (file dropped from the page cache before each run)"
hyperfine -N --runs "$runs" --prepare "$evict" "${cmds[@]}"
echo "== warm"
hyperfine -N --warmup 3 --runs "$runs" "${cmds[@]}"
