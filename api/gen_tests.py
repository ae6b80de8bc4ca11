"""Tests made from the registry: every operation's C functions refuse each NULL they must refuse,
naming it, and leave *out NULL (unit, no network; tests/unit/api_fixture.h)."""

import gen_c
import kinds
import registry

HEADER = "// Generated from api/registry.py by api/gen_tests.py. Do not edit: change the registry.\n"


def client_value(op):
    return {"service_client": "fx.service", "training_client": "fx.training", "sampling_client": "fx.sampling",
            "rest_client": "fx.rest"}[op.client]


def call(op, blocking, null=None):
    """The C call of one of `op`'s functions with valid arguments, `null` (a parameter name) NULL."""
    name = op.c_name() + ("" if blocking else "_async")
    args = ["nullptr" if null == "client" else client_value(op)]
    for p in op.params:
        k = kinds.KINDS[p.kind]
        if p.name == null:
            args.append("nullptr" + (", nullptr" if p.kind == "custom_loss_fn" else ""))
        else:
            args.append(k.test)
    has_out = gen_c.out_param(op, blocking) is not None
    if has_out:
        args.append("nullptr" if null == "out" else "&out")
    return f"{name}({', '.join(args)})", has_out


def gen_null_args_cpp():
    out = [HEADER, "// Each operation's two C functions refuse every NULL that the header forbids, with\n"
           "// TINKER_E_INVALID_ARGUMENT and a message naming the parameter, start nothing, and leave *out\n"
           "// NULL (tinker.h conventions).\n#include \"api_fixture.h\"\n\nnamespace {\n"]
    tests = []
    for op in registry.OPS:
        for blocking in (True, False):
            fn = op.c_name() + ("" if blocking else "_async")
            o = gen_c.out_param(op, blocking)
            out_type = o.rsplit("**", 1)[0].strip() + " *" if o else None
            nulls = ["client"] + [p.name for p in op.params if not kinds.KINDS[p.kind].null_ok]
            if o:
                nulls.append("out")
            body = [f"\nvoid {fn}_refuses_null(void**) {{\n  Fixture fx;\n"]
            if out_type:
                body.append(f"  {out_type}out;\n")
            for n in nulls:
                expr, has_out = call(op, blocking, null=n)
                if has_out and n != "out":
                    body.append(f"  out = reinterpret_cast<{out_type}>(&fx);  // not NULL: the call must clear it\n")
                body.append(f"  expect_null_refused({expr}, \"{fn}: {n} is NULL\");\n")
                if has_out and n != "out":
                    body.append("  assert_null(out);\n")
            body.append("}\n")
            out += body
            tests.append(f"{fn}_refuses_null")
    out.append("\n}  // namespace\n\nint main(void) {\n  const struct CMUnitTest tests[] = {\n")
    for t in tests:
        out.append(f"      cmocka_unit_test({t}),\n")
    out.append("  };\n  return cmocka_run_group_tests_name(\"api_null_args\", tests, nullptr, nullptr);\n}\n")
    return "".join(out)


OUTPUTS = {
    "tests/api_null_args.cpp": gen_null_args_cpp,
}
