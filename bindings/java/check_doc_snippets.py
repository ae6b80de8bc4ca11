"""Checks that docs/java.md quotes its Java snippets verbatim (test docs_java_snippets).

Each ```java block that follows a `<!-- snippet: FILE -->` line must appear in FILE (relative to
the source directory) as consecutive lines, indented there by any constant amount: the page shows
code that compiles and runs (FILE is a test or the install test's consumer), and fails this test
once the code changes without it. A ```java block without such a line is an error too.
Usage: check_doc_snippets.py SOURCE_DIR PAGE
"""

import re
import sys
from pathlib import Path


def occurs(block, lines):
    """True when `block` (lines) is a run of `lines` shifted right by one common indentation."""
    n = len(block)
    for start in range(len(lines) - n + 1):
        first = lines[start]
        indent = first[: len(first) - len(first.lstrip())]
        if all((lines[start + i] == "" if b == "" else lines[start + i] == indent + b) for i, b in enumerate(block)):
            return True
    return False


def main(source_dir, page):
    text = Path(page).read_text(encoding="utf-8").splitlines()
    failures, checked, source = [], 0, None
    i = 0
    while i < len(text):
        m = re.fullmatch(r"<!-- snippet: (\S+) -->", text[i].strip())
        if m:
            source = m.group(1)
        elif text[i].strip() == "```java":
            end = text.index("```", i + 1)
            block = text[i + 1:end]
            if source is None:
                failures.append(f"{page}:{i + 1}: a Java snippet without <!-- snippet: FILE -->")
            else:
                path = Path(source_dir) / source
                lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
                if not occurs(block, lines):
                    failures.append(f"{page}:{i + 1}: not found verbatim in {source}:\n" + "\n".join(block))
                checked += 1
            source, i = None, end
        i += 1
    for f in failures:
        print(f)
    if checked == 0:
        print(f"{page}: no Java snippets found")
        return 1
    print(f"{page}: {checked} snippets checked, {len(failures)} not quoted verbatim")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
