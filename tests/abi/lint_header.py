#!/usr/bin/env python3
"""Lints the public headers against the conventions of include/tinker/tinker.h (CTest, label abi).

    tests/abi/lint_header.py INCLUDE_DIR      lint INCLUDE_DIR/tinker/*.h
    tests/abi/lint_header.py --self-test INCLUDE_DIR
                                              lint broken copies of the headers and check that
                                              each breakage is reported (and the intact copy passes)

Fails, naming the function, when:
  - a TINKER_API declaration is not directly preceded by its own doc comment (`/** ... */`), or
    that comment lacks one of "Ownership:", "Threads:", "Errors:", "Since:";
  - a `**out` parameter is neither last nor in the documented exceptions (constructors named
    `_new` take it first), or tinker_future_wait_any does not take `*index` first;
  - a header cites "protocol.md §" other than as "docs/protocol.md §";
  - a typedef is declared outside tinker/common.h, or twice (C89 forbids repeating one);
  - a module header is not included by the umbrella tinker.h.
Python 3 standard library only.
"""

import glob
import os
import re
import shutil
import sys
import tempfile

LABELS = ("Ownership:", "Threads:", "Errors:", "Since:")
COMMON = "common.h"
DECL = re.compile(r"\bTINKER_API\b([^;{]*?)\(([^;{]*)\)\s*;", re.S)
COMMENT = re.compile(r"/\*.*?\*/", re.S)


def strip_comments_keep_layout(text):
    """The text with every comment blanked (same length, newlines kept), for code-only scans."""
    return COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def split_params(params):
    out, depth, cur = [], 0, ""
    for ch in params:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def param_name(param):
    m = re.search(r"(\w+)\s*$", param)
    return m.group(1) if m else ""


def is_double_pointer_out(param):
    return re.search(r"\*\s*\*\s*out$", param.strip()) is not None


def lint_text(path, text):
    """Problems of one header: a list of "name (file:line): what" strings, and the declaration count."""
    problems = []
    rel = os.path.basename(path)
    code = strip_comments_keep_layout(text)
    comments = [(m.start(), m.end(), m.group(0)) for m in COMMENT.finditer(text)]

    # protocol.md citations must name the file inside the repository.
    for m in re.finditer(r"protocol\.md §", text):
        if text[max(0, m.start() - 5):m.start()] != "docs/":
            line = text.count("\n", 0, m.start()) + 1
            problems.append(f"{rel}:{line}: cites \"protocol.md §\" without \"docs/\"")

    count = 0
    for m in DECL.finditer(code):
        count += 1
        head, params = m.group(1), m.group(2)
        name_m = re.search(r"(\w+)\s*$", head)
        name = name_m.group(1) if name_m else "?"
        line = text.count("\n", 0, m.start()) + 1
        where = f"{name} ({rel}:{line})"

        # Its own doc comment: the last comment that ends before the declaration, with nothing
        # but white space between them.
        doc = None
        for start, end, body in comments:
            if end <= m.start():
                doc = (start, end, body)
            else:
                break
        if doc is None or text[doc[1]:m.start()].strip() or not doc[2].startswith("/**"):
            problems.append(f"{where}: no doc comment directly before the declaration")
        else:
            missing = [label for label in LABELS if label not in doc[2]]
            if missing:
                problems.append(f"{where}: doc comment lacks {', '.join(missing)}")

        ps = split_params(params)
        for i, p in enumerate(ps):
            if not is_double_pointer_out(p):
                continue
            if name.endswith("_new"):
                if i != 0:
                    problems.append(f"{where}: `**out` of a constructor (_new) must come first")
            elif i != len(ps) - 1:
                problems.append(f"{where}: `**out` must be the last parameter (exceptions: _new)")
        if name == "tinker_future_wait_any" and (not ps or param_name(ps[0]) != "index"):
            problems.append(f"{where}: the documented exception takes `*index` first")
    return problems, count


def typedef_problems(paths):
    problems, seen = [], {}
    for path in paths:
        rel = os.path.basename(path)
        code = strip_comments_keep_layout(open(path, encoding="utf-8").read())
        for m in re.finditer(r"\btypedef\b[^;]*;", code, re.S):
            stmt = m.group(0)
            body_free = re.sub(r"\{[^{}]*\}", "", stmt)  # enum bodies
            fn = re.search(r"\(\s*\*\s*(\w+)\s*\)", body_free)
            name = fn.group(1) if fn else re.search(r"(\w+)\s*;$", body_free.strip()).group(1)
            line = code.count("\n", 0, m.start()) + 1
            if rel != COMMON:
                problems.append(f"{name} ({rel}:{line}): typedef outside tinker/{COMMON}")
            if name in seen:
                problems.append(f"{name} ({rel}:{line}): typedef repeated (first in {seen[name]})")
            seen[name] = f"{rel}:{line}"
    return problems


def umbrella_problems(paths):
    """Every module is included by the umbrella tinker.h (so `#include <tinker/tinker.h>` has it all)."""
    umbrella = [p for p in paths if os.path.basename(p) == "tinker.h"]
    if not umbrella:
        return ["tinker.h (the umbrella) is missing"]
    included = set(re.findall(r'#include\s+[<"]tinker/(\w+\.h)[>"]', open(umbrella[0], encoding="utf-8").read()))
    return [f"{os.path.basename(p)}: not included by the umbrella tinker.h" for p in paths
            if os.path.basename(p) != "tinker.h" and os.path.basename(p) not in included]


def lint(include_dir):
    paths = sorted(glob.glob(os.path.join(include_dir, "tinker", "*.h")))
    problems, total = [], 0
    for path in paths:
        p, n = lint_text(path, open(path, encoding="utf-8").read())
        problems += p
        total += n
    problems += typedef_problems(paths)
    problems += umbrella_problems(paths)
    if not paths or total == 0:
        problems.append(f"no TINKER_API declarations found under {include_dir}/tinker")
    return problems, total, len(paths)


def main_lint(include_dir):
    problems, total, files = lint(include_dir)
    for p in problems:
        print("lint_header:", p)
    if problems:
        print(f"lint_header: {len(problems)} problem(s) in {include_dir}/tinker (conventions: "
              "include/tinker/tinker.h)")
        return 1
    print(f"lint_header: {total} declarations in {files} headers follow the conventions")
    return 0


# ---- self-test: each kind of breakage is reported --------------------------------------------

BREAKAGES = [
    # (what, file, old, new, expected fragment of a problem)
    ("a missing Threads: part", "options.h",
     "Ownership: nothing retained. Threads: one thread at a time per builder.\n"
     " *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, ms <= 0). Since: 0.1. */\n"
     "TINKER_API tinker_status_t tinker_client_options_set_connect_timeout_ms",
     "Ownership: nothing retained.\n"
     " *  Errors: TINKER_E_INVALID_ARGUMENT (NULL options, ms <= 0). Since: 0.1. */\n"
     "TINKER_API tinker_status_t tinker_client_options_set_connect_timeout_ms",
     "tinker_client_options_set_connect_timeout_ms (options.h"),
    ("a shared (group) comment", "results.h",
     " *  Errors: none. Since: 0.1. */\nTINKER_API void tinker_model_info_free(tinker_model_info_t *info);",
     " *  Errors: none. Since: 0.1. */\nTINKER_API void tinker_model_info_free(tinker_model_info_t *info);\n"
     "TINKER_API void tinker_model_info_free_again(tinker_model_info_t *info);",
     "tinker_model_info_free_again (results.h"),
    ("`**out` not last", "service.h",
     "tinker_service_client_create_rest_client(tinker_service_client_t *client, tinker_rest_client_t **out);",
     "tinker_service_client_create_rest_client(tinker_rest_client_t **out, tinker_service_client_t *client);",
     "tinker_service_client_create_rest_client (service.h"),
    ("a constructor whose `**out` is not first", "training.h",
     "tinker_datum_new(tinker_datum_t **out, const tinker_model_input_t *input);",
     "tinker_datum_new(const tinker_model_input_t *input, tinker_datum_t **out);",
     "tinker_datum_new (training.h"),
    ("a citation without docs/", "options.h",
     "(docs/protocol.md §4.1; default 10)", "(protocol.md §4.1; default 10)",
     "options.h:"),
    ("a module missing from the umbrella", "tinker.h",
     '#include "tinker/rest.h"\n', "",
     "rest.h: not included by the umbrella"),
    ("a typedef outside common.h", "rest.h",
     "#ifdef __cplusplus\nextern \"C\" {\n#endif\n",
     "#ifdef __cplusplus\nextern \"C\" {\n#endif\ntypedef struct tinker_rest_thing tinker_rest_thing_t;\n",
     "tinker_rest_thing_t (rest.h"),
]


def self_test(include_dir):
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        def fresh_copy():
            dst = os.path.join(tmp, "include")
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(os.path.join(include_dir, "tinker"), os.path.join(dst, "tinker"))
            return dst

        problems, total, _ = lint(fresh_copy())
        if problems:
            print("self-test: the intact copy fails:", *problems, sep="\n  ")
            failures += 1
        for what, fname, old, new, expected in BREAKAGES:
            dst = fresh_copy()
            path = os.path.join(dst, "tinker", fname)
            text = open(path, encoding="utf-8").read()
            if old not in text:
                print(f"self-test: cannot plant {what}: the text to change is gone from {fname}")
                failures += 1
                continue
            open(path, "w", encoding="utf-8").write(text.replace(old, new, 1))
            problems, _, _ = lint(dst)
            hits = [p for p in problems if expected in p]
            if hits:
                print(f"self-test: {what}: reported: {hits[0]}")
            else:
                print(f"self-test: {what}: NOT reported (problems: {problems})")
                failures += 1
    if failures:
        print(f"self-test: {failures} failure(s)")
        return 1
    print(f"self-test: the intact headers pass ({total} declarations); "
          f"all {len(BREAKAGES)} breakages are reported")
    return 0


def main(argv):
    if len(argv) == 2 and not argv[1].startswith("-"):
        return main_lint(argv[1])
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(argv[2])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
