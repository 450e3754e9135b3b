#!/usr/bin/env python3
"""Check that the folders of src/ import each other only along the allowed
arrows of docs/architecture.md, so that no import cycle can come back.

Reads every `crate::<part>` path in the non-test code of src/ (a file's
`#[cfg(test)] mod tests` block onwards is skipped) and fails, naming file and
line, on any import that the table below does not allow. Also fails on
`clap` below app/cli and on file writing (`fs::write`, `File::create`,
`OpenOptions`, `create_dir`) outside app/ and main.rs.
"""
import pathlib
import re
import sys

# part -> the parts it may import (besides itself). Leaves first.
ALLOWED = {
    "error": set(),
    "math": set(),
    "units": set(),
    "progress": set(),
    "spec": {"error", "math", "units"},
    "checklist": {"error", "spec", "units"},
    "ingest": {"error", "math", "units", "spec", "progress"},
    "forecast": {"error", "math", "units", "spec", "progress"},
    "pricing": {"error", "math", "units", "spec"},
    "scenario": {"error", "math", "units", "spec", "ingest", "forecast", "pricing", "progress"},
    "sim": {"error", "math", "units", "spec", "forecast", "pricing", "scenario", "progress"},
    "analysis": {"error", "math", "units", "spec", "ingest", "forecast", "pricing", "scenario", "sim",
                 "progress", "checklist"},
    "report": {"error", "math", "units", "spec", "analysis", "checklist", "ingest"},
    "brief": {"error", "math", "units", "spec", "analysis", "checklist", "report", "scenario", "ingest",
              "forecast", "pricing", "sim", "progress"},
    "cli": {"error", "units", "report", "spec", "ingest", "forecast"},
    "app": None,  # the edge may import everything
    "api": None,  # re-exports for tests and examples
    "lib": None,
    "main": None,
}
WRITES = re.compile(r"\b(fs::write|File::create|OpenOptions|create_dir|fs::rename|persist\()")
USE = re.compile(r"crate::([a-z_]+)")


def part_of(path: pathlib.Path, src: pathlib.Path) -> str:
    rel = path.relative_to(src)
    return rel.parts[0].removesuffix(".rs")


def main() -> int:
    src = pathlib.Path(__file__).resolve().parent.parent / "src"
    bad = []
    for path in sorted(src.rglob("*.rs")):
        part = part_of(path, src)
        if part not in ALLOWED:
            bad.append(f"{path}: folder '{part}' is not in the layer table of scripts/check_layers.py")
            continue
        allowed = ALLOWED[part]
        for no, line in enumerate(path.read_text().splitlines(), 1):
            if line.strip().startswith("#[cfg(test)]"):
                break
            code = line.split("//")[0]
            if allowed is not None:
                for target in USE.findall(code):
                    if target != part and target not in allowed and target not in ("Error", "Result"):
                        bad.append(f"{path.relative_to(src.parent)}:{no}: {part} may not import {target}")
                if re.search(r"\bclap\b", code) and part not in ("cli",):
                    bad.append(f"{path.relative_to(src.parent)}:{no}: clap below app")
                if WRITES.search(code):
                    bad.append(f"{path.relative_to(src.parent)}:{no}: file writing outside app/ and main.rs")
    for b in bad:
        print(b)
    if bad:
        print(f"{len(bad)} layering violation(s); the arrows are in docs/architecture.md")
        return 1
    print("layers ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
