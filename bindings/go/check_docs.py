"""Fails when a Go or go.mod snippet of docs/go.md is not quoted verbatim from one of the files
given (the examples `go test` runs and the consumer module the install test builds), so the guide
shows only code that compiles and runs.

Usage: check_docs.py GUIDE FILE...
"""
import re
import sys


def main(guide, sources):
    text = open(guide, encoding="utf-8").read()
    quoted = [open(s, encoding="utf-8").read() for s in sources]
    blocks = re.findall(r"^```(go|go\.mod)\n(.*?)^```$", text, re.S | re.M)
    if not blocks:
        print(f"{guide}: no ```go snippets found")
        return 1
    bad = [b for _, b in blocks if not any(b in q for q in quoted)]
    for b in bad:
        print(f"{guide}: this snippet is not verbatim in {', '.join(sources)}:\n{b}")
    print(f"{guide}: {len(blocks) - len(bad)} of {len(blocks)} snippets quoted verbatim")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
