"""C and C++ made from the registry: the JSON messages (library and emulator), the result objects
and their C getters, the operations' C shims, the emulator's routes, and the lists the tests
check the header and the library against.
"""

import kinds
import registry
from model import SCALARS

HEADER = "// Generated from api/registry.py by api/gen_c.py. Do not edit: change the registry.\n"

MESSAGES = {m.name: m for m in registry.MESSAGES}
RESULTS = {r.name: r for r in registry.RESULTS}


def camel(snake):
    return "".join(p.capitalize() for p in snake.split("_"))


def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---- field types -----------------------------------------------------------------------------

def cpp_type(f):
    if f.is_list() or f.is_keyed():
        return f"std::vector<{f.target()}>"
    if f.is_object():
        return f"std::optional<{f.target()}>" if f.nullable else f.target()
    base = {
        "string": "std::string",
        "bool": "bool",
        "int32": "int32_t",
        "int64": "int64_t",
        "double": "double",
        "metrics": "tinker_metrics",
        "strings": "std::vector<std::string>",
        "string_map": "tinker_metadata",
    }[f.type]
    return f"std::optional<{base}>" if f.nullable else base


def cpp_literal(f, value):
    if f.type == "string":
        return cstr(value)
    if f.type == "bool":
        return "true" if value else "false"
    if f.type == "double":
        return repr(float(value))
    return str(value)


def cpp_default(f):
    if f.nullable:
        return ""
    if f.const is not None:
        return " = " + cstr(f.const)
    if f.default is not None:
        return " = " + cpp_literal(f, f.default)
    if f.type in ("bool",):
        return " = false"
    if f.type in ("int32", "int64", "double"):
        return " = 0"
    return ""


def int_bounds(f):
    lo = f.min + (1 if f.min_open else 0) if f.min is not None else (-(1 << 31) if f.type == "int32" else "INT64_MIN")
    hi = f.max - (1 if f.max_open else 0) if f.max is not None else ((1 << 31) - 1 if f.type == "int32" else "INT64_MAX")
    return (f"int64_t{{{lo}}}" if isinstance(lo, int) else lo), (f"int64_t{{{hi}}}" if isinstance(hi, int) else hi)


def default_outside_range(f):
    """A default that the decoder's bounds would refuse means "unknown": encode omits it."""
    if f.default is None or f.type not in ("int32", "int64", "double"):
        return False
    return (f.min is not None and f.default < f.min) or (f.max is not None and f.default > f.max)


# ---- messages: structs, decode, encode ---------------------------------------------------------

def gen_messages_h():
    out = [HEADER, "// The JSON messages of the protocol (docs/protocol.md §7), shared by the library and the\n"
           "// emulator: one struct, one decoder and one encoder per message.\n",
           "#pragma once\n\n#include <cstdint>\n#include <optional>\n#include <string>\n#include <string_view>\n"
           "#include <vector>\n\n#include \"wire/metrics.h\"\n#include \"wire/string_map.h\"\n\nstruct cJSON;\n\nnamespace tinker::wire {\nclass JsonWriter;\n}\n\n"
           "namespace tinker::wire::api {\n"]
    for m in registry.MESSAGES:
        if m.doc:
            out.append(f"\n// {m.doc}\n")
        out.append(f"struct {m.name} {{\n")
        for f in m.fields:
            out.append(f"  {cpp_type(f)} {f.name}{cpp_default(f)};\n")
        out.append("};\n")
    out.append("\n// Decoding: false, with `err` naming the field at fault (its JSON path under `where`),\n"
               "// for a value of the wrong type, out of range, or a required field missing.\n")
    for m in registry.MESSAGES:
        out.append(f"bool decode(const cJSON* obj, const std::string& where, {m.name}* out, std::string* err);\n")
        out.append(f"bool decode_json(std::string_view text, {m.name}* out, std::string* err);\n")
    out.append("\n// Encoding: every field, nested objects as their JSON paths say; optional fields left out\n"
               "// when empty, and numbers whose default means \"unknown\" left out while unknown.\n")
    for m in registry.MESSAGES:
        out.append(f"void encode(JsonWriter& w, const {m.name}& m);\n")
        out.append(f"std::string encode_json(const {m.name}& m);\n")
    out.append("\n}  // namespace tinker::wire::api\n")
    return "".join(out)


def decode_field(f):
    if f.key:
        return []  # the member name of a keyed object: its reader sets it
    paths = f.paths()
    what = f'where + ".{paths[0]}"'
    lines = []
    first = True
    for p in paths:
        keys = ", ".join(cstr(k) for k in p.split("."))
        lines.append(f"    {'const cJSON* ' if first else ''}v = json::find(obj, {{{keys}}});\n" if first
                     else f"    if (!v) v = json::find(obj, {{{keys}}});\n")
        first = False
    if f.required:
        lines.append(f"    if (!v) return fail(err, {what} + \" is missing\");\n")
    if f.const is not None:
        return []  # a discriminator: written, never read
    t = f.type
    if t == "string":
        tmp = "std::string s;\n      " if f.nullable else ""
        target = "&s" if f.nullable else f"&out->{f.name}"
        lines.append(f"    if (v) {{\n      {tmp}if (!json::read(v, {what}, {target}, err)) return false;\n")
        if f.cut_at:
            name = "s" if f.nullable else f"out->{f.name}"
            lines.append(f"      {name} = {name}.substr(0, {name}.find('{f.cut_at}'));\n")
        if f.nullable:
            lines.append(f"      out->{f.name} = std::move(s);\n")
        lines.append("    }\n")
    elif t == "bool" and f.nullable:
        lines.append(f"    if (v) {{\n      bool b;\n      if (!json::read(v, {what}, &b, err)) return false;\n"
                     f"      out->{f.name} = b;\n    }}\n")
    elif t == "bool":
        lines.append(f"    if (v && !json::read(v, {what}, &out->{f.name}, err)) return false;\n")
    elif t == "strings":
        lines.append(f"    if (v) {{\n      if (!cJSON_IsArray(v)) return fail(err, {what} + \" is not an array\");\n"
                     f"      size_t i = 0;\n"
                     f"      for (const cJSON* e = v->child; e; e = e->next, ++i) {{\n"
                     f"        out->{f.name}.emplace_back();\n"
                     f"        if (!json::read(e, {what} + \"[\" + std::to_string(i) + \"]\", &out->{f.name}.back(), err)) return false;\n"
                     f"      }}\n    }}\n")
    elif t in ("int32", "int64"):
        lo, hi = int_bounds(f)
        lines.append(f"    if (v) {{\n      int64_t x;\n      if (!json::read(v, {what}, {lo}, {hi}, &x, err)) return false;\n"
                     f"      out->{f.name} = static_cast<{cpp_type(f)}>(x);\n    }}\n")
    elif t == "double":
        lo = repr(float(f.min)) if f.min is not None else "-std::numeric_limits<double>::max()"
        hi = repr(float(f.max)) if f.max is not None else "std::numeric_limits<double>::max()"
        if f.min_open:
            lo = f"std::nextafter({lo}, 1e308)"
        if f.max_open:
            hi = f"std::nextafter({hi}, -1e308)"
        lines.append(f"    if (v && !json::read(v, {what}, {lo}, {hi}, &out->{f.name}, err)) return false;\n")
    elif t == "metrics":
        lines.append(f"    if (v && !json::read_metrics(v, {what}, &out->{f.name}.items, err)) return false;\n")
    elif t == "string_map":
        lines.append(f"    if (v && !json::read_string_map(v, {what}, &out->{f.name}.values, err)) return false;\n")
    elif f.is_keyed():
        key = next(k.name for k in MESSAGES[f.target()].fields if k.key)
        lines.append(f"    if (v) {{\n      if (!cJSON_IsObject(v)) return fail(err, {what} + \" is not an object\");\n"
                     f"      for (const cJSON* e = v->child; e; e = e->next) {{\n"
                     f"        out->{f.name}.emplace_back();\n"
                     f"        out->{f.name}.back().{key} = e->string;\n"
                     f"        if (!decode(e, {what} + \"[\\\"\" + e->string + \"\\\"]\", &out->{f.name}.back(), err)) return false;\n"
                     f"      }}\n    }}\n")
    elif f.is_list():
        lines.append(f"    if (v) {{\n      if (!cJSON_IsArray(v)) return fail(err, {what} + \" is not an array\");\n"
                     f"      size_t i = 0;\n"
                     f"      for (const cJSON* e = v->child; e; e = e->next, ++i) {{\n"
                     f"        out->{f.name}.emplace_back();\n"
                     f"        if (!decode(e, {what} + \"[\" + std::to_string(i) + \"]\", &out->{f.name}.back(), err)) return false;\n"
                     f"      }}\n    }}\n")
    elif f.is_object() and f.nullable:
        lines.append(f"    if (v && !decode(v, {what}, &out->{f.name}.emplace(), err)) return false;\n")
    elif f.is_object():
        lines.append(f"    if (v && !decode(v, {what}, &out->{f.name}, err)) return false;\n")
    return ["  {\n"] + lines + ["  }\n"]


def encode_value(f, expr):
    t = f.type
    if t == "string":
        return f".string({expr})"
    if t == "bool":
        return f".boolean({expr})"
    if t in ("int32", "int64"):
        return f".int64({expr})"
    if t == "double":
        return f".float64({expr})"
    raise ValueError(t)


def encode_field(f, key_path_last):
    key = f'w.key({cstr(key_path_last)})'
    t = f.type
    if t == "metrics":
        return [f"  {key}.begin_object();\n  for (const auto& kv : m.{f.name}.items) w.key(kv.first).float64(kv.second);\n  w.end_object();\n"]
    if t == "strings":
        return [f"  {key}.begin_array();\n  for (const auto& e : m.{f.name}) w.string(e);\n  w.end_array();\n"]
    if t == "string_map":
        return [f"  {key}.begin_object();\n  for (const auto& kv : m.{f.name}.values) w.key(kv.first).string(kv.second);\n  w.end_object();\n"]
    if f.key:
        return []  # the member name the enclosing object files the item under
    if f.is_keyed():
        k = next(x.name for x in MESSAGES[f.target()].fields if x.key)
        return [f"  {key}.begin_object();\n  for (const auto& e : m.{f.name}) {{\n    w.key(e.{k});\n    encode(w, e);\n  }}\n  w.end_object();\n"]
    if f.is_list():
        return [f"  {key}.begin_array();\n  for (const auto& e : m.{f.name}) encode(w, e);\n  w.end_array();\n"]
    if f.is_object() and f.nullable:
        return [f"  if (m.{f.name}) {{\n    {key};\n    encode(w, *m.{f.name});\n  }}\n"]
    if f.is_object():
        return [f"  {key};\n  encode(w, m.{f.name});\n"]
    if f.nullable and f.send_null:
        return [f"  if (m.{f.name}) {key}{encode_value(f, '*m.' + f.name)};\n  else {key}.null();\n"]
    if f.nullable:
        return [f"  if (m.{f.name}) {key}{encode_value(f, '*m.' + f.name)};\n"]
    cond = None
    if f.omit == "empty":
        cond = {"string": f"!m.{f.name}.empty()", "bool": f"m.{f.name}"}.get(t, f"m.{f.name} != 0")
    elif default_outside_range(f):
        cond = f"m.{f.name} != {cpp_literal(f, f.default)}"
    line = f"{key}{encode_value(f, 'm.' + f.name)};\n"
    return [f"  if ({cond}) {line}" if cond else f"  {line}"]


def encode_tree(fields):
    """Fields grouped by the first component of their (first) JSON path, in first-seen order."""
    tree = []
    for f in fields:
        parts = f.paths()[0].split(".")
        node = tree
        for p in parts[:-1]:
            sub = next((n for n in node if isinstance(n, tuple) and n[0] == p), None)
            if sub is None:
                sub = (p, [])
                node.append(sub)
            node = sub[1]
        node.append((f, parts[-1]))
    return tree


def emit_tree(tree):
    out = []
    for n in tree:
        if isinstance(n[0], str):
            out.append(f"  w.key({cstr(n[0])}).begin_object();\n")
            out += emit_tree(n[1])
            out.append("  w.end_object();\n")
        else:
            out += encode_field(n[0], n[1])
    return out


def gen_messages_cpp():
    out = [HEADER, '#include "wire/api_messages.h"\n\n#include <cjson/cJSON.h>\n\n#include <cmath>\n#include <limits>\n\n'
           '#include "wire/fail.h"\n#include "wire/json.h"\n#include "wire/json_writer.h"\n\n'
           "namespace tinker::wire::api {\n"]
    for m in registry.MESSAGES:
        out.append(f"\nbool decode(const cJSON* obj, const std::string& where, {m.name}* out, std::string* err) {{\n"
                   f"  if (!cJSON_IsObject(obj)) return fail(err, where + \" is not a JSON object\");\n")
        for f in m.fields:
            out += decode_field(f)
        out.append("  return true;\n}\n")
        out.append(f"\nbool decode_json(std::string_view text, {m.name}* out, std::string* err) {{\n"
                   f"  json::Ptr doc = json::parse(std::string(text));\n"
                   f"  if (!doc) return fail(err, \"{m.name}: not JSON\");\n"
                   f"  *out = {m.name}{{}};\n"
                   f"  return decode(doc.get(), \"{m.name}\", out, err);\n}}\n")
        out.append(f"\nvoid encode(JsonWriter& w, const {m.name}& m) {{\n  w.begin_object();\n")
        out += emit_tree(encode_tree(m.fields))
        out.append("  w.end_object();\n}\n")
        out.append(f"\nstd::string encode_json(const {m.name}& m) {{\n  std::string s;\n  JsonWriter w(&s);\n"
                   f"  encode(w, m);\n  return s;\n}}\n")
    out.append("\n}  // namespace tinker::wire::api\n")
    return "".join(out)


# ---- results ----------------------------------------------------------------------------------

def result_fields(r):
    """The fields a result exposes through getters (internal ones are not)."""
    return [f for f in MESSAGES[r.message].fields if not f.internal]


def gen_results_h():
    out = [HEADER, "// The result kinds of every operation, and the result objects decoded from JSON, which are\n"
           "// the objects behind their opaque C handles (docs/design.md \"Operations are data\").\n"
           "#pragma once\n\n#include <memory>\n#include <string>\n\n#include \"core/error.h\"\n"
           "#include \"core/result.h\"\n#include \"http/transport.h\"\n#include \"wire/api_messages.h\"\n\n"
           "namespace tinker::result_types {\n"]
    for r in registry.RESULTS:
        out.append(f"inline constexpr ResultType {camel(r.name)}{{{cstr(r.label)}}};\n")
    out.append("}  // namespace tinker::result_types\n\n")
    for r in registry.RESULTS:
        if r.text:
            out.append(f"// {r.doc}: one string (tinker_future_take_{r.name}).\n"
                       f"struct tinker_{r.name} final : tinker::Result {{\n  std::string value;\n"
                       f"  tinker::ResultKind kind() const override {{ return &tinker::result_types::{camel(r.name)}; }}\n}};\n")
        if not r.message:
            continue
        out.append(f"struct tinker_{r.name} final : tinker::Result {{\n"
                   f"  tinker::wire::api::{r.message} m;\n"
                   f"  tinker::ResultKind kind() const override {{ return &tinker::result_types::{camel(r.name)}; }}\n}};\n")
    out.append("\nnamespace tinker {\n// Decoders of JSON results (CallSpec::decode): DATA_LOSS naming `what` when the body is not the\n"
               "// message or a field is wrong.\n")
    for r in registry.RESULTS:
        if r.message:
            out.append(f"bool decode_{r.name}(const std::string& what, const http::Response& r, std::unique_ptr<Result>* out, Error* err);\n")
    for op in text_ops():
        out.append(f"bool decode_{op.name}(const std::string& what, const http::Response& r, std::unique_ptr<Result>* out, Error* err);  // {op.id}\n")
    out.append("}  // namespace tinker\n")
    return "".join(out)


def text_ops():
    """The operations whose result is one string field of their answer."""
    return [op for op in registry.OPS if op.returns]


def decoder(name, result, message, field=None):
    """A JSON result's decoder: the whole message, or (text results) one field of it."""
    body = [f"\nbool decode_{name}(const std::string& what, const http::Response& r, std::unique_ptr<Result>* out, Error* err) {{\n"
            f"  auto res = std::make_unique<tinker_{result}>();\n"]
    if field is None:
        body.append("  std::string msg;\n  if (!wire::api::decode_json(r.body, &res->m, &msg)) {\n")
    else:
        body.append(f"  wire::api::{message} m;\n  std::string msg;\n  if (!wire::api::decode_json(r.body, &m, &msg)) {{\n")
    body.append("    *err = make_error(TINKER_E_DATA_LOSS, what + \": undecodable result: \" + msg);\n    return false;\n  }\n")
    if field is not None and next(f for f in MESSAGES[message].fields if f.name == field).nullable:
        body.append(f"  if (!m.{field}) {{\n    *err = make_error(TINKER_E_DATA_LOSS, what + \": the answer has no {field}\");\n"
                    f"    return false;\n  }}\n  res->value = std::move(*m.{field});\n")
    elif field is not None:
        body.append(f"  res->value = std::move(m.{field});\n")
    body.append("  *out = std::move(res);\n  return true;\n}\n")
    return "".join(body)


def gen_results_cpp():
    out = [HEADER, '#include "client/api_results.h"\n\nnamespace tinker {\n']
    for r in registry.RESULTS:
        if r.message:
            out.append(decoder(r.name, r.name, r.message))
    for op in text_ops():
        out.append(decoder(op.name, op.result, op.response, op.returns))
    out.append("\n}  // namespace tinker\n")
    return "".join(out)


def getter_c(f, b="v"):
    """(C return type, NULL-handle value, value expression on `b`) of a scalar field's getter."""
    t = f.type
    v = f"{b}.{f.name}"
    if t == "string":
        if f.nullable:
            return "const char *", "nullptr", f"{v} ? {v}->c_str() : nullptr"
        return "const char *", "nullptr", f"{v}.c_str()"
    if t == "bool" and f.nullable:
        return "int", "-1", f"{v} ? (*{v} ? 1 : 0) : -1"
    if t == "bool":
        return "int", "0", f"{v} ? 1 : 0"
    if t in ("int32", "int64"):
        return ("int32_t" if t == "int32" else "int64_t"), "-1", v
    if t == "double":
        return "double", "std::nan(\"\")", v
    if t == "metrics":
        return "const tinker_metrics_t *", "nullptr", f"&{v}"
    if t == "string_map":
        return "const tinker_metadata_t *", "nullptr", f"&{v}"
    raise ValueError(t)


def getters(f, b="v"):
    """[(name, C return type, NULL-handle value, value expression on `b`)] of a field's getters: one,
    or for a nullable nested object one per field of it, named "<field>_<its field>", which give the
    NULL-handle value when the object is absent."""
    if f.is_object():
        assert f.nullable, f"{f.name}: only nullable nested objects have getters"
        out = []
        for sub in MESSAGES[f.target()].fields:
            if sub.internal:
                continue
            for name, rt, null, expr in getters(sub, f"(*{b}.{f.name})"):
                out.append((f"{f.name}_{name}", rt, null, f"{b}.{f.name} ? ({expr}) : {null}"))
        return out
    rt, null, expr = getter_c(f, b)
    return [(f.name, rt, null, expr)]


def result_functions(r):
    """[(C return type, name, C parameters, body)] of a result's exported functions."""
    fns = []
    T = f"tinker_{r.name}_t"
    kind = f"&result_types::{camel(r.name)}"
    if r.handle:
        fns.append(("tinker_status_t", f"tinker_future_take_{r.name}",
                    f"tinker_future_t *future, tinker_{r.handle}_t **out",
                    f"return capi::take_as(__func__, future, {kind}, out, capi::{r.handle}_handle);"))
        return fns
    if r.text:
        fns.append(("tinker_status_t", f"tinker_future_take_{r.name}", "tinker_future_t *future, char **out",
                    f"return capi::take_as(__func__, future, {kind}, out, capi::text_of<tinker_{r.name}>);"))
        return fns
    fns.append(("tinker_status_t", f"tinker_future_take_{r.name}", f"tinker_future_t *future, {T} **out",
                f"return capi::take(__func__, future, {kind}, out);"))
    if r.handwritten:
        return fns
    p = r.param
    for f in result_fields(r):
        if f.is_list() or f.is_keyed():
            item = MESSAGES[f.target()]
            fns.append(("size_t", f"tinker_{r.name}_{f.item}_count", f"const {T} *{p}",
                        f"return {p} ? {p}->m.{f.name}.size() : 0;"))
            for sub in item.fields:
                for name, rt, null, expr in getters(sub):
                    fns.append((rt, f"tinker_{r.name}_{f.item}_{name}", f"const {T} *{p}, size_t index",
                                f"if (!{p} || index >= {p}->m.{f.name}.size()) return {null};\n"
                                f"  const auto& v = {p}->m.{f.name}[index];\n  return {expr};"))
        elif f.type == "strings":
            fns.append(("size_t", f"tinker_{r.name}_{f.item}_count", f"const {T} *{p}",
                        f"return {p} ? {p}->m.{f.name}.size() : 0;"))
            fns.append(("const char *", f"tinker_{r.name}_{f.item}", f"const {T} *{p}, size_t index",
                        f"if (!{p} || index >= {p}->m.{f.name}.size()) return nullptr;\n"
                        f"  return {p}->m.{f.name}[index].c_str();"))
        else:
            for name, rt, null, expr in getters(f):
                fns.append((rt, f"tinker_{r.name}_{name}", f"const {T} *{p}",
                            f"if (!{p}) return {null};\n  const auto& v = {p}->m;\n  return {expr};"))
    fns.append(("tinker_status_t", f"tinker_{r.name}_to_json", f"const {T} *{p}, char **out",
                f"return capi::result_to_json(__func__, {cstr(p)}, {p}, out);"))
    fns.append(("void", f"tinker_{r.name}_free", f"{T} *{p}", f"delete {p};"))
    return fns


def exported_functions_cpp(doc, includes, functions):
    """A .cpp of exported C functions: [(C return type, name, C parameters, body)]."""
    out = [HEADER, f"// {doc}\n#include <cmath>\n\n"] + [f'#include "{i}"\n' for i in includes]
    out.append('\nusing namespace tinker;\n\nextern "C" {\n')
    for rt, name, params, body in functions:
        out.append(f"\nTINKER_API {rt.rstrip()} {name}({params}) {{\n  {body}\n}}\n")
    out.append('\n}  // extern "C"\n')
    return "".join(out)


def gen_capi_results_cpp():
    return exported_functions_cpp("Takes, getters, _to_json and _free of the registry's result types.",
                                  ["capi/op.h", "client/custom_loss.h"],
                                  [fn for r in registry.RESULTS for fn in result_functions(r)])


# ---- builders ---------------------------------------------------------------------------------

def fmt_number(x):
    return f"{x:g}"


def setter_check(f, arg):
    """(C++ condition that holds for a valid `arg`, the rule in words) of a builder field."""
    t = f.type
    if t == "bool":
        return None, None
    if t == "double":
        conds = [f"std::isfinite({arg})"]
        if f.min is not None:
            conds.append(f"{arg} {'>' if f.min_open else '>='} {float(f.min)!r}")
        if f.max is not None:
            conds.append(f"{arg} {'<' if f.max_open else '<='} {float(f.max)!r}")
        if f.max is not None and f.max_open:
            words = f"must be in [{fmt_number(f.min)}, {fmt_number(f.max)})"
        else:
            words = f"must be a finite number {'>' if f.min_open else '>='} {fmt_number(f.min)}"
            if f.max is not None:
                words += f" and <= {fmt_number(f.max)}"
        return " && ".join(conds), words
    conds, words = [], []
    if f.min is not None:
        conds.append(f"{arg} {'>' if f.min_open else '>='} {f.min}")
        words.append(f"{'>' if f.min_open else '>='} {f.min}")
    if f.max is not None:
        conds.append(f"{arg} {'<' if f.max_open else '<='} {f.max}")
        words.append(f"{'<' if f.max_open else '<='} {f.max}")
    if not conds:
        return None, None
    return " && ".join(conds), "must be " + " and ".join(words)


def setter_c_type(f):
    return {"double": "double", "int32": "int32_t", "int64": "int64_t", "bool": "int"}[f.type]


def builder_functions(b):
    """[(C return type, name, C parameters, body)] of a builder's exported functions."""
    T = f"tinker_{b.name}_t"
    p = b.param
    fns = [("tinker_status_t", f"tinker_{b.name}_new", f"{T} **out", "return capi::new_builder(__func__, out);")]
    for f in MESSAGES[b.message].fields:
        arg = f.arg
        cond, words = setter_check(f, arg)
        value = f"{arg} != 0" if f.type == "bool" else arg
        check = (f"    if (!({cond})) return capi::refuse_value(fn, {cstr(arg)}, {cstr(words)}, {arg});\n"
                 if cond else "")
        fns.append(("tinker_status_t", f"tinker_{b.name}_set_{f.name}", f"{T} *{p}, {setter_c_type(f)} {arg}",
                    f"return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {{\n"
                    f"    if (!{p}) return capi::null_argument(fn, {cstr(p)});\n{check}"
                    f"    {p}->v.{f.name} = {value};\n    return TINKER_OK;\n  }});"))
        if f.nullable:
            continue  # "unset" has no value of the field's type to return
        default = cpp_literal(f, f.default) if f.default is not None else "0"
        get = f"{p}->v.{f.name} ? 1 : 0" if f.type == "bool" else f"{p}->v.{f.name}"
        default = ("1" if f.default else "0") if f.type == "bool" else default
        fns.append((setter_c_type(f), f"tinker_{b.name}_get_{f.name}", f"const {T} *{p}",
                    f"return {p} ? {get} : {default};"))
    fns.append(("void", f"tinker_{b.name}_free", f"{T} *{p}", f"delete {p};"))
    return fns


def gen_builders_h():
    out = [HEADER, "// The objects behind the builder handles (tinker_adam_params_t, ...): each holds its registry\n"
           "// message, so its defaults and bounds are the registry's.\n#pragma once\n\n#include \"wire/api_messages.h\"\n\n"]
    for b in registry.BUILDERS:
        out.append(f"struct tinker_{b.name} {{\n  tinker::wire::api::{b.message} v;\n}};\n")
    return "".join(out)


def gen_builders_cpp():
    return exported_functions_cpp("new, the checked setters, the getters and free of every builder.", ["capi/op.h"],
                                  [fn for b in registry.BUILDERS for fn in builder_functions(b)])


# ---- operations -------------------------------------------------------------------------------

def client_param(op):
    return f"tinker_{op.client}_t *client"


def c_params(op):
    ps = [client_param(op)]
    for p in op.params:
        ps.append(kinds.KINDS[p.kind].c.format(p=p.name))
    return ps


def arg_names(op):
    names = ["client"]
    for p in op.params:
        names.append(p.name)
        if p.kind == "custom_loss_fn":
            names.append("user_data")
    return names


def out_param(op, blocking):
    if not blocking:
        return "tinker_future_t **out"
    if not op.result:
        return None
    r = RESULTS[op.result]
    return "char **out" if r.text else f"tinker_{r.handle or r.name}_t **out"


def op_prototypes(op):
    """[(name, C parameters)] of an operation's two exported functions."""
    out = []
    for blocking in (True, False):
        ps = c_params(op)
        o = out_param(op, blocking)
        if o:
            ps.append(o)
        out.append((op.c_name() + ("" if blocking else "_async"), ", ".join(ps)))
    return out


def check_body(op):
    lines = ["  TINKER_CHECK_ARG(fn, client);\n"]
    for p in op.params:
        k = kinds.KINDS[p.kind]
        if not k.null_ok:
            lines.append(f"  TINKER_CHECK_ARG(fn, {p.name});\n")
    for p in op.params:
        k = kinds.KINDS[p.kind]
        if k.check:
            lines.append(f"  if (tinker_status_t s = {k.check}(fn, {cstr(p.name)}, {p.name})) return s;\n")
    lines.append("  return TINKER_OK;\n")
    return "".join(lines)


def source_value(op, src):
    """The C++ value of a request field's or path parameter's source."""
    kinds_by_param = {p.name: kinds.KINDS[p.kind] for p in op.params}
    if src.startswith("param:"):
        name = src.split(":", 1)[1]
        return kinds_by_param[name].cpp.format(p=name)
    if src.startswith("client:"):
        return f"client->impl->{src.split(':', 1)[1]}()"
    if src.startswith("op:"):
        return registry.OP_VALUES[op.name][src.split(":", 1)[1]]
    if src.startswith("parsed:"):
        _, name, part = src.split(":")
        return f"capi::parsed_checkpoint_path({name}).{part}"
    raise ValueError(src)


def request_value(op, f):
    """The C++ value of a request field: its source's, or for a nullable integer (a time to live)
    none when the parameter is 0."""
    value = source_value(op, f.source)
    if f.nullable and f.type in ("int32", "int64") and f.source.startswith("param:"):
        return f"capi::ttl_or_none({value})"
    return value


def query_value(op, src):
    """A query parameter's value as text."""
    value = source_value(op, src)
    kinds_by_param = {p.name: kinds.KINDS[p.kind] for p in op.params}
    if src.startswith("param:") and kinds_by_param[src.split(":", 1)[1]].c.startswith("int64_t"):
        return f"std::to_string({value})"
    return value


def start_body(op):
    if op.impl:
        args = {p.name: kinds.KINDS[p.kind].cpp.format(p=p.name) for p in op.params}
        return f"  return {op.impl.format(**args)};\n"
    lines = []
    body = "std::string()"
    if op.request:
        msg = MESSAGES[op.request]
        lines.append(f"  wire::api::{msg.name} req;\n")
        for f in msg.fields:
            if f.source and f.source != "seq_id":
                lines.append(f"  req.{f.name} = {request_value(op, f)};\n")
        seq = any(f.source == "seq_id" for f in msg.fields)
        body = ("[req](int64_t seq_id) mutable {\n    req.seq_id = seq_id;\n    return wire::api::encode_json(req);\n  }"
                if seq else "[req](int64_t) { return wire::api::encode_json(req); }")
    else:
        body = "[](int64_t) { return std::string(); }"
    path = f"std::string(ops::{op.name}.path)"
    if op.path_params:
        values = ", ".join(f"{{{cstr(n)}, {source_value(op, src)}}}" for n, src in op.path_params.items())
        path = f"expand_path(ops::{op.name}.path, {{{values}}})"
    if op.query:
        values = ", ".join(f"{{{cstr(n)}, {query_value(op, src)}}}" for n, src in op.query.items())
        path = f"with_query({path}, {{{values}}})"
    path = f", {path}" if op.path_params or op.query else ""
    lines.append(f"  return client->impl->{op.runner}(ops::{op.name}, {body}{path});\n")
    return "".join(lines)


def json_op_constant(op):
    """The definition of tinker::ops::<name> (client/api_ops.cpp)."""
    method, path = op.http
    r = RESULTS[op.result] if op.result else None
    kind = f"&result_types::{camel(r.name)}" if r else "&result_types::None"
    decode = f"decode_{op.name if op.returns else r.name}" if r else "nullptr"
    pre = {"none": "Prerequisite::None", "config": "Prerequisite::Config", "session": "Prerequisite::Session"}[op.prerequisite]
    return (f"const JsonOp {op.name}{{{cstr(op.name)}, {cstr(method)}, {cstr(path)}, {pre}, "
            f"/*returns_future=*/{str(op.future).lower()}, {cstr(op.request_type)}, /*ordered=*/{str(op.ordered).lower()}, "
            f"/*http_retries=*/{op.http_retries}, /*conflict_is_final=*/{str(op.conflict_is_final).lower()}, {kind}, {decode}}};\n")


def gen_capi_ops_cpp():
    out = [HEADER, "// Every operation's two C functions (blocking and _async): argument checks from the\n"
           "// parameters' kinds, then the operation's start (a plain JSON request, or its C++ body).\n"
           '#include "capi/op.h"\n#include "client/custom_loss.h"\n#include "client/training_client.h"\n'
           '#include "client/api_ops.h"\n#include "wire/api_messages.h"\n\nusing namespace tinker;\n\nnamespace {\n']
    for op in registry.OPS:
        params = ", ".join(c_params(op))
        out.append(f"\n// {op.id} {op.name}\ntinker_status_t check_{op.id}(const char* fn, {params}) {{\n{check_body(op)}}}\n")
        out.append(f"\nstd::shared_ptr<FutureState> start_{op.id}({params}, Error* err) {{\n  (void)err;\n{start_body(op)}}}\n")
    out.append("\n}  // namespace\n\nextern \"C\" {\n")
    for op in registry.OPS:
        args = ", ".join(arg_names(op))
        check = f"[&](const char* fn) {{ return check_{op.id}(fn, {args}); }}"
        start = f"[&](Error* err) {{ return start_{op.id}({args}, err); }}"
        (bname, bparams), (aname, aparams) = op_prototypes(op)
        out.append(f"\nTINKER_API tinker_status_t {aname}({aparams}) {{\n"
                   f"  return capi::op_async(__func__, out, {check},\n                       {start});\n}}\n")
        if not op.result:
            call = f"capi::op_blocking_status(__func__, {check},\n                                  {start})"
        else:
            r = RESULTS[op.result]
            if r.handle or r.text:
                make = f"capi::{r.handle}_handle" if r.handle else f"capi::text_of<tinker_{r.name}>"
                call = (f"capi::op_blocking_handle(__func__, &result_types::{camel(r.name)}, out, {check},\n"
                        f"                                  {start}, {make})")
            else:
                call = (f"capi::op_blocking(__func__, &result_types::{camel(r.name)}, out, {check},\n"
                        f"                           {start})")
        out.append(f"\nTINKER_API tinker_status_t {bname}({bparams}) {{\n  return {call};\n}}\n")
    out.append('\n}  // extern "C"\n')
    return "".join(out)


def gen_client_ops_h():
    out = [HEADER, "// The registry's plain operations, as data for the clients' run() (client/json_op.h).\n"
           "#pragma once\n\n#include \"client/json_op.h\"\n\nnamespace tinker::ops {\n"]
    for op in registry.OPS:
        if op.http:
            out.append(f"extern const JsonOp {op.name};  // {op.id} {op.http[0]} {op.http[1]}\n")
    out.append("}  // namespace tinker::ops\n")
    return "".join(out)


def gen_client_ops_cpp():
    out = [HEADER, '#include "client/api_ops.h"\n\n#include "client/api_results.h"\n\nnamespace tinker::ops {\n\n']
    for op in registry.OPS:
        if op.http:
            out.append(json_op_constant(op))
    out.append("\n}  // namespace tinker::ops\n")
    return "".join(out)


# ---- what the tests check ---------------------------------------------------------------------

def prototypes():
    """Every exported function the registry implies: "ret name(params)" with C spacing."""
    protos = []
    for op in registry.OPS:
        for name, params in op_prototypes(op):
            protos.append(f"tinker_status_t {name}({params})")
    for r in registry.RESULTS:
        for rt, name, params, _ in result_functions(r):
            protos.append(f"{rt.rstrip()} {name}({params})")
    for b in registry.BUILDERS:
        for rt, name, params, _ in builder_functions(b):
            protos.append(f"{rt} {name}({params})")
    return protos


def gen_prototypes_txt():
    return "".join(p + ";\n" for p in prototypes())


# ---- emulator routes --------------------------------------------------------------------------

def gen_emulator_routes_h():
    out = [HEADER, "// The emulator's routes of the registry's plain operations: each decodes its request with the\n"
           "// message the client encoded it with, then calls the handler below, which keeps only the\n"
           "// behaviour (docs/emulator.md).\n#pragma once\n\n#include <string>\n\n#include \"wire/api_messages.h\"\n\nnamespace emu {\n\n"
           "class App;\nclass Exchange;\nclass Router;\n\n"]
    for op in registry.OPS:
        if op.emulator:
            req = f", const tinker::wire::api::{op.request}& req" if op.request else ""
            req += "".join(f", const std::string& {n}" for n in op.path_params)
            out.append(f"void handle_{op.emulator}(App& app, Exchange* ex{req});  // {op.http[0]} {op.http[1]}\n")
    out.append("\nvoid register_api_routes(Router& r);\n\n}  // namespace emu\n")
    return "".join(out)


def route_params(op):
    """The handler's path-parameter arguments, as the router matched them."""
    return "".join(f", ex->params.at({cstr(n)})" for n in op.path_params)


def gen_emulator_routes_cpp():
    out = [HEADER, '#include "api_routes.h"\n\n#include "app.h"\n#include "router.h"\n\nnamespace emu {\n\nnamespace {\n']
    for op in registry.OPS:
        if not op.emulator or not op.request:
            continue
        out.append(f"\nvoid route_{op.emulator}(App& app, Exchange* ex) {{\n"
                   f"  tinker::wire::api::{op.request} req;\n  std::string err;\n"
                   f"  if (!tinker::wire::api::decode(ex->json.get(), \"body\", &req, &err)) return app.reply(ex, Response::bad_request(err));\n"
                   f"  handle_{op.emulator}(app, ex, req{route_params(op)});\n}}\n")
    out.append("\n}  // namespace\n\nvoid register_api_routes(Router& r) {\n")
    for op in registry.OPS:
        if not op.emulator:
            continue
        method, path = op.http
        body = "BodyMode::kJson" if op.request else "BodyMode::kIgnore"
        fn = (f"route_{op.emulator}" if op.request
              else f"[](App& app, Exchange* ex) {{ handle_{op.emulator}(app, ex{route_params(op)}); }}")
        out.append(f"  r.add({{{cstr(method)}, {cstr(path)}, AuthMode::kSession, {body}, {fn}}});\n")
    out.append("}\n\n}  // namespace emu\n")
    return "".join(out)


OUTPUTS = {
    "wire/api_messages.h": gen_messages_h,
    "wire/api_messages.cpp": gen_messages_cpp,
    "client/api_results.h": gen_results_h,
    "client/api_results.cpp": gen_results_cpp,
    "client/api_ops.h": gen_client_ops_h,
    "client/api_ops.cpp": gen_client_ops_cpp,
    "capi/api_results.cpp": gen_capi_results_cpp,
    "capi/api_ops.cpp": gen_capi_ops_cpp,
    "capi/api_builders.h": gen_builders_h,
    "capi/api_builders.cpp": gen_builders_cpp,
    "api/prototypes.txt": gen_prototypes_txt,
    "emulator/api_routes.h": gen_emulator_routes_h,
    "emulator/api_routes.cpp": gen_emulator_routes_cpp,
}
