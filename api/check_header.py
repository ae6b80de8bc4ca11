#!/usr/bin/env python3
"""The header and the registry agree (a CTest test, label abi).

    api/check_header.py INCLUDE_DIR

Fails when a function the registry implies (both functions of every operation, every result's
take, getters, _to_json and _free, every builder's functions) is missing from the public headers
or declared with another signature, and when the headers declare an operation, a take, or a
function of a registry result or builder that the registry does not have.
"""

import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gen_c  # noqa: E402
import registry  # noqa: E402

CLIENTS = ("service_client", "training_client", "sampling_client", "rest_client")


def normalize(proto):
    proto = re.sub(r"\s+", " ", proto).strip().rstrip(";").strip()
    proto = re.sub(r"\s*\*\s*", "*", proto)
    proto = re.sub(r"\s*([(),])\s*", r"\1", proto)
    return proto


def header_prototypes(include_dir):
    """{name: normalized prototype} of every TINKER_API function in the headers."""
    out = {}
    for path in sorted(glob.glob(os.path.join(include_dir, "tinker", "*.h"))):
        text = open(path, encoding="utf-8").read()
        text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
        for m in re.finditer(r"TINKER_API\s+([^;{]*?\))\s*;", text):
            decl = m.group(1)
            name = re.search(r"(\w+)\s*\(", decl).group(1)
            if name.startswith("tinker_"):
                out[name] = normalize(decl)
    return out


def owned(name, ops, result_names, builder_names):
    """Whether `name` belongs to a family the registry describes."""
    if name.startswith("tinker_future_take_"):
        return True
    for r in result_names:
        # A result's cursor (tinker_training_run_cursor_next) is hand-written, not the result's.
        if name.startswith(f"tinker_{r}_") and not name.startswith(f"tinker_{r}_cursor_"):
            return True
    for b in builder_names:
        if name.startswith(f"tinker_{b}_"):
            return True
    return False


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    header = header_prototypes(argv[1])
    expected = {re.search(r"(\w+)\(", p).group(1): normalize(p) for p in gen_c.prototypes()}
    problems = []
    for name, proto in expected.items():
        if name not in header:
            problems.append(f"missing from the header: {proto}")
        elif header[name] != proto:
            problems.append(f"signature differs:\n  header:   {header[name]}\n  registry: {proto}")
    # The header's operations: every _async of a client that hands out a future.
    for name, proto in header.items():
        if name in expected:
            continue
        is_op = any(name.startswith(f"tinker_{c}_") for c in CLIENTS) and name.endswith("_async")
        generated_results = [r.name for r in registry.RESULTS if r.message]
        if is_op or owned(name, registry.OPS, generated_results, [b.name for b in registry.BUILDERS]):
            problems.append(f"declared in the header but not in the registry: {proto}")
    for p in problems:
        print("check_header:", p)
    if problems:
        sys.exit(f"check_header: {len(problems)} problem(s); the registry is api/registry.py")
    print(f"check_header: {len(expected)} functions of the registry match the header")


if __name__ == "__main__":
    main(sys.argv)
