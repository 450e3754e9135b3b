#!/usr/bin/env bash
# History ingest speed (docs/performance.md, "History ingest").
#
#   scripts/bench_ingest.sh [ROWS] [RUNS] [BIN...]
#     default 10,000,000 rows (about 618 MB), 10 runs; each BIN (another
#     build of commitsim, e.g. a copy of the binary before a change) is
#     timed side by side with this tree's release build, in the same
#     hyperfine run.
#
# Generates a request log with scripts/gen_requests.py (set LOG=FILE to
# reuse one), then times `cat` (the page-cache floor), `validate`
# (read_history: monthly series) and `profile` (per-minute load) on it,
# with hyperfine, twice:
#   warm  the file is in the page cache: the parsing speed alone (the
#         target: 10 M rows validate in at most 1.5 s on two cores);
#   cold  the file's pages are dropped from the page cache before every run
#         (posix_fadvise DONTNEED, so the binaries stay cached): each run
#         reads the file from the disk, as a first read of an export does.
# On a machine shared with other sessions, each session's processes share
# one scheduling group: run this from a new session whose group has the
# highest priority (root: `setsid -w sh -c 'echo -19 > /proc/self/autogroup;
# exec scripts/bench_ingest.sh'`), or two threads get no more CPU than one.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
runs=${2:-10}
shift $(($# < 2 ? $# : 2))
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
f=${LOG:-$dir/requests.csv}
[ -e "$f" ] || python3 scripts/gen_requests.py --rows "$rows" --out "$f"
cargo build --release --quiet
bin="$PWD/target/release/commitsim"
evict="python3 -c \"import os; fd = os.open('$f', os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)\""
echo "file: $f, $(stat -c %s "$f") bytes; $(nproc) cores"
cmds=("cat $f" "$bin validate $f")
for other in "$@"; do cmds+=("$other validate $f"); done
cmds+=("$bin profile --history $f --format json")
echo "== warm"
hyperfine -N --warmup 2 --runs "$runs" "${cmds[@]}"
echo "== cold (file dropped from the page cache before each run)"
hyperfine -N --runs "$runs" --prepare "$evict" "${cmds[@]}"
