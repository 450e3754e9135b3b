#!/usr/bin/env python3
"""Writes a request log of N rows (default 10 million) as Parquet for the
ingest benchmark in docs/performance.md: one row per request over 30 days
of 2026-11, columns `timestamp` (TIMESTAMP ms, UTC), `model` (a string,
dictionary-encoded, 4 values), `input_tokens`, `output_tokens`,
`cached_input_tokens` (INT64), Snappy pages, row groups of 1,048,576 rows
(pyarrow's default). The file is not committed; it is about 120 MB.

    python3 scripts/bench_parquet.py /tmp/requests.parquet [ROWS]
"""
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def main():
    out = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
    rng = np.random.default_rng(19)
    start = 1_793_491_200_000  # 2026-11-01T00:00:00Z, ms
    ts = np.sort(rng.integers(start, start + 30 * 86_400_000, rows))
    models = np.array(["gpt-6.2-sol", "gpt-6-luna", "claude-sonnet-5-5", "claude-haiku-5-5"])
    table = pa.table({
        "timestamp": pa.array(ts, pa.timestamp("ms", tz="UTC")),
        "model": pa.array(models[rng.integers(0, 4, rows)]).dictionary_encode(),
        "input_tokens": pa.array(rng.integers(50, 8000, rows), pa.int64()),
        "output_tokens": pa.array(rng.integers(1, 2000, rows), pa.int64()),
        "cached_input_tokens": pa.array(rng.integers(0, 4000, rows), pa.int64()),
    })
    pq.write_table(table, out, compression="snappy")
    tot = sum(int(table[c].to_numpy().sum()) for c in ("input_tokens", "output_tokens", "cached_input_tokens"))
    print(f"{rows} rows, {tot} tokens in all, written to {out}")


if __name__ == "__main__":
    main()
