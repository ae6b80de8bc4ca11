#!/usr/bin/env python3
"""Writes every file made from the registry into OUT_DIR (the build tree; never into git).

    api/generate.py OUT_DIR [--list]

--list prints the paths it would write (CMake's OUTPUT list). A file whose content did not change
is left untouched, so an unrelated edit of the registry does not rebuild everything.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import importlib  # noqa: E402

# Each generator module exposes OUTPUTS: {path under OUT_DIR: function returning the text}.
GENERATOR_MODULES = ["gen_c", "gen_tests", "gen_go", "gen_ruby", "gen_java"]

GENERATORS = {}
for name in GENERATOR_MODULES:
    if os.path.exists(os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".py")):
        GENERATORS.update(importlib.import_module(name).OUTPUTS)


def write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    out_dir = argv[1]
    if "--list" in argv[2:]:
        print(";".join(os.path.join(out_dir, p) for p in GENERATORS))
        return
    for rel, gen in GENERATORS.items():
        write_if_changed(os.path.join(out_dir, rel), gen())


if __name__ == "__main__":
    main(sys.argv)
