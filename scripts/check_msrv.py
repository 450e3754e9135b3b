#!/usr/bin/env python3
"""Check that no dependency the library or the binary builds with needs a
newer Rust than the crate's own `rust-version` (Cargo.toml).

The machine has one toolchain and no other can be fetched, so the MSRV is
kept by two checks instead of a second compiler: clippy's
`incompatible_msrv` lint (on by default once `rust-version` is set; it
flags standard-library items newer than the MSRV in our own code), and this
script, which walks the resolved normal and build dependencies for the host
(dev-dependencies build only the tests) and compares each package's
declared `rust-version`.
"""
import json
import subprocess
import sys


def version(v: str) -> tuple:
    parts = [int(x) for x in v.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def main() -> int:
    host = next(
        line.split(": ")[1]
        for line in subprocess.run(["rustc", "-vV"], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("host: ")
    )
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked", "--filter-platform", host],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    packages = {p["id"]: p for p in meta["packages"]}
    root = meta["resolve"]["root"]
    msrv = version(packages[root]["rust_version"])
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    seen, stack, bad = set(), [root], []
    while stack:
        node = nodes[stack.pop()]
        for dep in node["deps"]:
            kinds = {k["kind"] for k in dep["dep_kinds"]}
            if node["id"] == root and kinds <= {"dev"}:
                continue
            if dep["pkg"] in seen:
                continue
            seen.add(dep["pkg"])
            stack.append(dep["pkg"])
            p = packages[dep["pkg"]]
            if p.get("rust_version") and version(p["rust_version"]) > msrv:
                bad.append(f"{p['name']} {p['version']} needs Rust {p['rust_version']}")
    for b in bad:
        print(b)
    if bad:
        print(f"rust-version is {packages[root]['rust_version']}: raise it in Cargo.toml and the README, or pin these")
        return 1
    print(f"msrv ok: {len(seen)} dependencies build with Rust {packages[root]['rust_version']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
