#!/usr/bin/env python3
"""Writes the derived fixtures of tests/fixtures/exports/ from their sources.

The FOCUS export `tests/fixtures/focus/genai_tokens_focus.csv` is written
again as gzip CSV (gzip header time 0, so the bytes do not change between
runs) and as JSON (an array of row objects, every cell a string, as the
CSV holds it), so that tests can check that the three read the same.
Run from the repository root; the output is committed.
"""
import csv
import gzip
import json
import pathlib

SRC = pathlib.Path("tests/fixtures/focus/genai_tokens_focus.csv")
OUT = pathlib.Path("tests/fixtures/exports")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    raw = SRC.read_bytes()
    with open(OUT / "focus_tokens.csv.gz", "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as g:
            g.write(raw)
    with open(SRC, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    (OUT / "focus_tokens.json").write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
