#!/usr/bin/env python3
"""Checks the relative links of README.md and docs/*.md.

Every link `[text](target)` or `<a href="target">` whose target is not a
URL must name a file or folder that exists (relative to the Markdown file
that holds it), and a `#fragment` must be an anchor of its target: an
explicit `<a id="...">` (or `name=`), or the id GitHub gives a heading
(lower case, punctuation dropped, spaces to hyphens, `-1`, `-2` for
repeats). Links inside code blocks and code spans are not links.

Also refused, because a reader of the repository does not have them:
paths into the development workspace (`../shared/`, `/work/`), and
references to the specification (`SPEC`, its section numbers) or to reports
kept outside the repository.

Usage: scripts/check_links.py [FILE.md ...]   (default: README.md docs/*.md)
Exit status 0 when every link resolves, 1 otherwise (each problem printed
as FILE:LINE: what).
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINK = re.compile(r"(?<!\!)\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
HREF = re.compile(r"<a\s+[^>]*href=\"([^\"]+)\"")
ANCHOR = re.compile(r"<a\s+[^>]*(?:id|name)=\"([^\"]+)\"")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
WORKSPACE = re.compile(r"(\.\./shared\b|/work/)")
# The specification and research reports the project was built from are not
# in the repository: a reference to them points nowhere.
ELSEWHERE = re.compile(r"\bSPEC\b|outside this repository")


def strip_code(text):
    """The text with fenced blocks blanked (lines kept) and code spans removed."""
    out, fenced = [], False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            out.append("")
            continue
        out.append("" if fenced else re.sub(r"`[^`]*`", "``", line))
    return out


def slug(heading):
    """GitHub's id for a heading's text."""
    t = re.sub(r"<[^>]+>", "", heading)
    t = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", t)
    t = t.replace("`", "").lower()
    t = re.sub(r"[^\w\- ]", "", t, flags=re.UNICODE)
    return t.replace(" ", "-")


def anchors(path, cache={}):
    if path not in cache:
        ids, seen = set(), {}
        with open(path, encoding="utf-8") as f:
            text = f.read()
        fenced = False
        for line in text.split("\n"):
            if line.lstrip().startswith("```"):
                fenced = not fenced
                continue
            if fenced:
                continue
            ids.update(ANCHOR.findall(line))
            m = HEADING.match(line)
            if m:
                s = slug(m.group(2))
                n = seen.get(s, 0)
                seen[s] = n + 1
                ids.add(s if n == 0 else f"{s}-{n}")
        cache[path] = ids
    return cache[path]


def check(md):
    problems = []
    with open(md, encoding="utf-8") as f:
        raw = f.read().split("\n")
    lines = strip_code("\n".join(raw))
    rel = os.path.relpath(md, ROOT)
    for no, line in enumerate(lines, 1):
        if WORKSPACE.search(raw[no - 1]):
            problems.append(f"{rel}:{no}: names a path of the development workspace, which readers do not have")
        if ELSEWHERE.search(raw[no - 1]):
            problems.append(f"{rel}:{no}: refers to a document that is not in the repository (the SPEC, a report)")
        for target in LINK.findall(line) + IMAGE.findall(line) + HREF.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue  # https:, mailto:
            file, _, frag = target.partition("#")
            dest = md if file == "" else os.path.normpath(os.path.join(os.path.dirname(md), file))
            if not os.path.exists(dest):
                problems.append(f"{rel}:{no}: `{target}`: no such file")
                continue
            if frag:
                if not dest.endswith(".md"):
                    problems.append(f"{rel}:{no}: `{target}`: an anchor into a file that is not Markdown")
                elif frag not in anchors(dest):
                    problems.append(f"{rel}:{no}: `{target}`: no anchor `{frag}` in {os.path.relpath(dest, ROOT)}")
    return problems


def main():
    files = sys.argv[1:] or [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    problems = [p for md in files for p in check(os.path.abspath(md))]
    for p in problems:
        print(p)
    print(f"{len(files)} files checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
