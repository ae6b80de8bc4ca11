#!/usr/bin/env python3
"""Every operation of the registry has its methods in the Go, Ruby and Java layers, and every
buffer the header's functions fill has a typemap in each of them (CTest, label bindings).

    api/check_bindings.py BINDINGS_DIR GENERATED_DIR

Looks, in the hand-written sources under BINDINGS_DIR and the generated ones under
GENERATED_DIR/bindings, for the blocking and the asynchronous method of each operation, named by
each language's rule: Go `(c *TrainingClient) GetInfo(` / `GetInfoAsync(`; Ruby `get_info` /
`get_info_async` (a `def`, or an `operation(:get_info` line that defines both); Java
`getInfo(` / `getInfoAsync(` in the client's class.

A `(T *dst, size_t capacity)` parameter pair of include/tinker/*.h needs SWIG's buffer typemap
for T in each language (bindings/swig/tinker.i): without one SWIG treats `dst` as a single value
and the call writes past it.
"""

import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import registry  # noqa: E402

CLASS = {"service_client": "ServiceClient", "training_client": "TrainingClient",
         "sampling_client": "SamplingClient", "rest_client": "RestClient"}


def camel(snake, upper):
    parts = snake.split("_")
    head = parts[0].capitalize() if upper else parts[0]
    return head + "".join(p.capitalize() for p in parts[1:])


def sources(dirs, pattern):
    text = ""
    for d in dirs:
        for path in glob.glob(os.path.join(d, "**", pattern), recursive=True):
            if "/test" in path or path.endswith("_test.go"):
                continue
            text += open(path, encoding="utf-8").read() + "\n"
    return text


# The buffer typemap macro of each language in bindings/swig/tinker.i.
BUFFER_MACROS = ("TINKER_RB_BUFFER", "TINKER_JAVA_BUFFER", "TINKER_GO_SLICE")


def missing_buffer_typemaps(bindings):
    include = os.path.join(bindings, os.pardir, "include", "tinker")
    header = "".join(open(p, encoding="utf-8").read() for p in glob.glob(os.path.join(include, "*.h")))
    swig = open(os.path.join(bindings, "swig", "tinker.i"), encoding="utf-8").read()
    types = set(re.findall(r"\b(\w+) \*dst, size_t capacity", header))
    return [f"SWIG: {macro}({t}, ...) for the (dst, capacity) buffers of {t}"
            for t in sorted(types) for macro in BUFFER_MACROS if not re.search(rf"{macro}\({t},", swig)]


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    bindings, generated = argv[1], os.path.join(argv[2], "bindings")
    go = sources([os.path.join(bindings, "go"), os.path.join(generated, "go")], "*.go")
    ruby = sources([os.path.join(bindings, "ruby"), os.path.join(generated, "ruby")], "*.rb")
    java = sources([os.path.join(bindings, "java"), os.path.join(generated, "java")], "*.java")
    missing = missing_buffer_typemaps(bindings)
    for op in registry.OPS:
        cls = CLASS[op.client]
        for suffix in ("", "Async"):
            name = camel(op.name, True) + suffix
            if not re.search(rf"func \(\w+ \*{cls}\) {name}[\[(]", go):
                missing.append(f"Go: ({cls}).{name}")
            jname = camel(op.name, False) + suffix
            if not re.search(rf"\b{jname}\(", java):
                missing.append(f"Java: {cls}.{jname}")
        for rname in (op.name, op.name + "_async"):
            if not re.search(rf"def (self\.)?{rname}\b|operation\(:{op.name}\b", ruby):
                missing.append(f"Ruby: {cls}#{rname}")
    for m in missing:
        print("check_bindings: missing", m)
    if missing:
        sys.exit(f"check_bindings: {len(missing)} missing (operations: api/registry.py; typemaps: bindings/swig/tinker.i)")
    print(f"check_bindings: all {len(registry.OPS)} operations have both methods, and every buffer its typemap, in "
          "Go, Ruby and Java")


if __name__ == "__main__":
    main(sys.argv)
