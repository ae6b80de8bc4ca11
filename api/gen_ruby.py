"""The Ruby layer's part that the registry describes: every operation's two methods, the value
types of the JSON results, the builders' value types with their conversion into C builders, and
the map from C function names to Ruby method names that error messages use.

Written by api/generate.py under BUILD/generated/bindings/ruby/tinker/generated/;
bindings/ruby/CMakeLists.txt copies BUILD/generated/bindings/ruby into the gem's lib/, beside the
hand-written files, and bindings/ruby/lib/tinker.rb requires "tinker/generated". The generated code calls a few
hand-written helpers of bindings/ruby/lib/tinker/ (Operations#start, Kinds, Native.with_*,
Values, the hand-written results' and handles' `take`, CustomLoss.start).

Ruby's rules, applied to every operation:
  - `name_async(...)` returns a Tinker::Future; the blocking `name(..., timeout: nil)` waits for
    it (seconds; nil: forever) and closes it, so a blocking call is interruptible and runs
    without the GVL.
  - Required parameters are positional, optional ones keywords (RUBY_KINDS says which, per kind).
  - A result value is a Struct of the message's non-internal fields plus `json`; a value the
    registry marks as absent (a NULL string, a string left out when empty, a number whose
    default lies outside its range) is nil. Lists (and keyed lists) are Arrays of their items'
    Struct, a string map a Hash, a nullable nested object its message's Struct or nil; each
    message has one Ruby type wherever it appears (see "results" below).
  - Documentation comes from the registry, in Ruby's words (ruby_words, result_doc).
"""

import functools
import os
import re
import textwrap
from dataclasses import dataclass
from typing import Optional

import check_header
import gen_c
import kinds
import registry

HEADER = ("# frozen_string_literal: true\n\n"
          "# Generated from api/registry.py by api/gen_ruby.py. Do not edit: change the registry.\n")
DIR = "bindings/ruby/tinker/generated"
INCLUDE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "include")

MESSAGES = {m.name: m for m in registry.MESSAGES}
RESULTS = {r.name: r for r in registry.RESULTS}

camel = gen_c.camel


# ---- parameter kinds --------------------------------------------------------------------------

@dataclass
class RubyKind:
    form: str                       # "positional", "optional" (positional, nil by default), "keyword", "block"
    default: str = "nil"            # keywords: the Ruby default
    name: Optional[str] = None      # the Ruby name where the registry's is too generic (or reserved)
    convert: Optional[str] = None   # the C argument from the Ruby value {v}; {p} is the name as a literal
    wrap: Optional[str] = None      # a helper yielding the C argument for the call's duration ({v}, {p})
    builder: Optional[str] = None   # a builder, converted by Native.with_<builder> (a registry builder's is
                                    # generated; HANDWRITTEN_BUILDERS are written by hand)
    fields: bool = False            # the builder's fields may be given as keywords instead
    doc: str = ""                   # what the Ruby value is


RUBY_KINDS = {
    "string": RubyKind("positional", convert="Kinds.string({v}, {p})", doc="a String (or Symbol)"),
    "string?": RubyKind("keyword", convert="Kinds.string({v}, {p})", doc="a String, or nil for none"),
    "name": RubyKind("positional", convert="Kinds.string({v}, {p})", doc="a String, non-empty, without '/'"),
    "tinker_path": RubyKind("positional", convert="Kinds.string({v}, {p})", doc="a String starting with tinker://"),
    "id": RubyKind("positional", convert="Kinds.string({v}, {p})", doc="a String, non-empty"),
    "checkpoint_id": RubyKind("positional", convert="Kinds.string({v}, {p})",
                              doc="a String: \"weights/<name>\" or \"sampler_weights/<name>\""),
    "checkpoint_path": RubyKind("positional", convert="Kinds.string({v}, {p})",
                                doc="a String: tinker://<run>/weights/<name> or tinker://<run>/sampler_weights/<name>"),
    "access_scope": RubyKind("keyword", convert="Kinds.string({v}, {p})",
                             doc="\"owned\" (the caller's) or \"accessible\" (also those shared with the caller), "
                                 "a String or Symbol; nil: \"owned\""),
    "audit_event_type": RubyKind("keyword", convert="Kinds.string({v}, {p})",
                                 doc="a String or Symbol, \"all\" or \"checkpoints\"; nil: \"all\""),
    "day?": RubyKind("keyword", convert="Kinds.day({v}, {p})",
                     doc="a Date or a String \"YYYY-MM-DD\" (UTC); nil: every day"),
    "timestamp": RubyKind("positional", convert="Kinds.timestamp({v}, {p})",
                          doc="a Time (sent as RFC 3339 in UTC, \"2026-12-01T00:00:00Z\"), or an RFC 3339 String"),
    "limit": RubyKind("keyword", default="100", convert="Kinds.integer({v}, {p})", doc="an Integer >= 1"),
    "offset": RubyKind("keyword", default="0", convert="Kinds.integer({v}, {p})", doc="an Integer >= 0"),
    "ttl": RubyKind("keyword", convert="Kinds.ttl({v}, {p})", doc="seconds (Integer); nil or 0: never expires"),
    "flag": RubyKind("keyword", default="false", convert="Kinds.flag({v})", doc="true or false"),
    "batch": RubyKind("positional", wrap="Native.with_batch({v})", doc="an Array of Tinker::Datum"),
    "loss_fn_config?": RubyKind("keyword", name="loss_fn_config", wrap="Native.with_loss_fn_config({v})",
                                doc="a Hash name => number, or nil"),
    "adam_params?": RubyKind("optional", name="adam_params", builder="adam_params", fields=True,
                             doc="a Tinker::AdamParams, or its fields as keywords, or nil"),
    "lora_config?": RubyKind("keyword", builder="lora_config", fields=True,
                             doc="a Tinker::LoraConfig, or its fields as keywords, or nil"),
    "metadata?": RubyKind("keyword", wrap="Native.with_metadata({v})", doc="a Hash, or nil"),
    "retry_config?": RubyKind("keyword", name="retry_config", builder="retry_config",
                              doc="a Tinker::RetryConfig, or nil"),
    "tinker_path?": RubyKind("keyword", convert="Kinds.string({v}, {p})",
                             doc="a String starting with tinker://, or nil for none"),
    "count": RubyKind("keyword", default="1", convert="Kinds.integer({v}, {p})", doc="an Integer >= 1"),
    "topk": RubyKind("keyword", default="0", convert="Kinds.integer({v}, {p})", doc="an Integer >= 0; 0: none"),
    "model_input": RubyKind("positional", wrap="Native.with_model_input({v}, {p})",
                            doc="a Tinker::ModelInput, or an Array of token ids"),
    # Not a registry builder: Tinker::SamplingParams and Native.with_sampling_params are written
    # by hand (sampling_params.rb), in the registry builders' form.
    "sampling_params?": RubyKind("optional", name="sampling_params", builder="sampling_params", fields=True,
                                 doc="a Tinker::SamplingParams, or its fields as keywords (max_tokens:, seed:, "
                                     "stop:, temperature:, top_k:, top_p:), or nil: the defaults"),
    # The C callback cannot cross into Ruby (bindings/README.md): the block runs on a worker
    # thread between the two phases, in the hand-written CustomLoss.start.
    "custom_loss_fn": RubyKind("block", doc="the loss function, as the block"),
    "custom_loss_step": RubyKind("positional", wrap="CustomLossStep.with_native({v})",
                                 doc="the Tinker::CustomLossStep of forward_backward_custom_begin"),
}

# An operation with a block parameter is started by a hand-written helper of its kind:
# helper(client, label, the other arguments..., &block).
BLOCK_HELPERS = {"custom_loss_fn": "CustomLoss.start"}

# What a status-only operation returns in Ruby (nil unless listed).
STATUS_RESULTS = {"health_check": "true"}

# Hand-written results whose Ruby value is not an instance of Tinker::<Result>: what the method
# returns, for its documentation (the module Tinker::<Result> still provides `take`).
RESULT_VALUES = {
    "prompt_logprobs": "an Array of Floats, one per prompt token, nil where there is none (the first)",
}

# Builders written by hand, not in the registry (their C functions are in the header only): the
# Ruby member behind each C function that sets a field, so that error messages name it.
HANDWRITTEN_BUILDERS = {
    "sampling_params": {
        "tinker_sampling_params_set_max_tokens": "max_tokens",
        "tinker_sampling_params_set_seed": "seed",
        "tinker_sampling_params_set_temperature": "temperature",
        "tinker_sampling_params_set_top_k": "top_k",
        "tinker_sampling_params_set_top_p": "top_p",
        "tinker_sampling_params_add_stop_string": "stop",
        "tinker_sampling_params_add_stop_token": "stop",
    },
}

# Hand-written methods over C functions outside the registry's operations: the Ruby method behind
# each, so that their errors name it like an operation's (C_FUNCTION_METHODS), once
# (OPERATION_METHODS: the hand-written method names itself with Tinker.naming).
HANDWRITTEN_FUNCTIONS = {
    "tinker_service_client_create_rest_client": "ServiceClient#create_rest_client",
    "tinker_path_parse": "Tinker.parse_tinker_path",
    "tinker_path_format": "Tinker.format_tinker_path",
    "tinker_tokenizer_load_file": "Tokenizer.load",
    "tinker_tokenizer_load_memory": "Tokenizer.from_json",
    "tinker_tokenizer_encode": "Tokenizer#encode",
    "tinker_tokenizer_encode_batch": "Tokenizer#encode_batch",
    "tinker_tokenizer_decode": "Tokenizer#decode",
}

# Names a parameter cannot have in Ruby: keywords, and the names the generated methods use.
RESERVED = {"retry", "next", "end", "begin", "class", "def", "do", "if", "in", "module", "then", "self",
            "label", "client", "fields", "timeout", "future"}

missing = set(kinds.KINDS) - set(RUBY_KINDS)
assert not missing, f"gen_ruby.py: no Ruby form for the parameter kinds {sorted(missing)}"


def ruby_name(p):
    name = RUBY_KINDS[p.kind].name or p.name
    assert name not in RESERVED, f"gen_ruby.py: parameter name {name!r} needs a Ruby name (RubyKind.name)"
    return name


def lit(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


WIDTH = 110


def call(fn, args, indent, suffix=""):
    """`fn(args...)` at `indent`, followed by `suffix` (e.g. " do |x|"): on one line, else the
    arguments on the next line, else one a line. A `def` without arguments has no parentheses."""
    if not args and fn.startswith("def "):
        return indent + fn + suffix
    one = f"{indent}{fn}({', '.join(args)}){suffix}"
    if len(one) <= WIDTH:
        return one
    inner = indent + "  "
    middle = inner + ", ".join(args)
    if len(middle) <= WIDTH:
        return f"{indent}{fn}(\n{middle}\n{indent}){suffix}"
    return f"{indent}{fn}(\n" + ",\n".join(inner + a for a in args) + f"\n{indent}){suffix}"


def comment(text, indent, hang=""):
    """`text` as comment lines at `indent`, wrapped; continuation lines indented by `hang`."""
    return "".join(line + "\n" for line in textwrap.wrap(
        text, WIDTH, initial_indent=indent + "# ", subsequent_indent=indent + "# " + hang,
        break_long_words=False, break_on_hyphens=False))


def an(word):
    return ("an " if word[0].lower() in "aeiou" else "a ") + word


def ruby_number(f, value):
    if f.type == "double":
        return repr(float(value))
    if f.type == "bool":
        return "true" if value else "false"
    return str(value)


# ---- the C function -> Ruby method map --------------------------------------------------------

def op_label(op, suffix=""):
    return f"{camel(op.client)}#{op.name}{suffix}"


def builder_label(b, f):
    return f"{camel(b.name)}#{f.name}"


def gen_method_names():
    c_functions = {name for name, _ in sum((gen_c.op_prototypes(op) for op in registry.OPS), [])}
    lines = []
    for op in registry.OPS:
        for suffix in ("", "_async"):
            fn = op.c_name() + suffix
            assert fn in c_functions, fn
            lines.append(f"    {lit(fn)} => {lit(op_label(op, suffix))},\n")
    for b in registry.BUILDERS:
        setters = {name for _, name, _, _ in gen_c.builder_functions(b)}
        for f in MESSAGES[b.message].fields:
            fn = f"tinker_{b.name}_set_{f.name}"
            assert fn in setters, fn
            lines.append(f"    {lit(fn)} => {lit(builder_label(b, f))},\n")
    declared = check_header.header_prototypes(INCLUDE_DIR)
    for builder, setters in HANDWRITTEN_BUILDERS.items():
        for fn, member_name in setters.items():
            assert fn in declared, f"gen_ruby.py: {fn} (HANDWRITTEN_BUILDERS) is not in the public headers"
            lines.append(f"    {lit(fn)} => {lit(camel(builder) + '#' + member_name)},\n")
    for fn, method in HANDWRITTEN_FUNCTIONS.items():
        assert fn in declared, f"gen_ruby.py: {fn} (HANDWRITTEN_FUNCTIONS) is not in the public headers"
        lines.append(f"    {lit(fn)} => {lit(method)},\n")
    labels = [op_label(op, s) for op in registry.OPS for s in ("", "_async")] + list(HANDWRITTEN_FUNCTIONS.values())
    return (HEADER + "\nmodule Tinker\n"
            "  # The Ruby method that calls each C function of the registry or of a hand-written method\n"
            "  # (ServiceClient#create_rest_client, Tinker.parse_tinker_path, ...), and the member behind each\n"
            "  # setter of a hand-written builder (SamplingParams): a libtinker error message starts with the C\n"
            "  # function's name, which Tinker.native_error and Tinker.future_error replace with this\n"
            "  # (\"tinker_training_client_save_state_async: name is NULL\" becomes\n"
            "  # \"TrainingClient#save_state_async: name is NULL\").\n"
            "  # @api private\n"
            "  C_FUNCTION_METHODS = {\n" + "".join(lines).rstrip(",\n") + "\n  }.freeze\n"
            "  private_constant :C_FUNCTION_METHODS\n\n"
            "  # The operation methods and the hand-written methods of HANDWRITTEN_FUNCTIONS: an error raised\n"
            "  # while one starts names the method the caller called, once (Error#named replaces one of these\n"
            "  # at the start of a message).\n"
            "  # @api private\n"
            "  OPERATION_METHODS = [\n" + ",\n".join(f"    {lit(x)}" for x in labels) + "\n  ].freeze\n"
            "  private_constant :OPERATION_METHODS\nend\n")


# ---- builders ---------------------------------------------------------------------------------

def setter_value(b, f, value):
    label = lit(builder_label(b, f))
    if f.type == "double":
        return f"Values.float({value}, {label})"
    if f.type == "int32":
        return f"Values.integer({value}, {label}, Values::INT32)"
    if f.type == "int64":
        return f"Values.integer({value}, {label})"
    if f.type == "bool":
        return f"{value} ? 1 : 0"
    raise ValueError(f"gen_ruby.py: builder field type {f.type}")


def field_doc(f):
    parts = []
    if f.default is not None:
        parts.append(f"default {ruby_number(f, f.default)}")
    elif f.nullable:
        parts.append("default nil")
    words = gen_c.setter_check(f, f.arg)[1]
    if words:
        parts.append(words)
    if f.doc:
        parts.append(f.doc)
    return "; ".join(parts)


def gen_builder(b):
    cls = camel(b.name)
    fields = MESSAGES[b.message].fields
    members = [f":{f.name}" for f in fields]
    defaults = [f"{f.name}: {'nil' if f.default is None else ruby_number(f, f.default)}" for f in fields]
    out = ["\n" + comment(f"{b.doc[0].upper() + b.doc[1:]}: {cls}.new(field: value, ...); an unknown field raises "
                          "ArgumentError. The values are checked when sent, by libtinker's setters.", "  ")]
    out += [comment(f"  {f.name}: {field_doc(f)}", "  ", "    ") for f in fields]
    out.append(call(f"{cls} = Struct.new", members + ["keyword_init: true"], "  ") + " do\n")
    out.append(call("def initialize", defaults, "    ") + "\n      super\n    end\n  end\n")
    return "".join(out)


def gen_builder_conversion(b):
    cls = camel(b.name)
    article = an(cls)
    out = ["\n" + comment(f"{article[0].upper() + article[1:]} as a tinker_{b.name}_t for the block (nil: NULL, "
                          "libtinker's defaults), freed afterwards, also when a setter refused a value "
                          "(Tinker::InvalidArgumentError naming it).", "    "),
           f"    def self.with_{b.name}(value, &block)\n"
           "      return yield(nil) if value.nil?\n"
           f"      unless value.is_a?({cls})\n"
           f"        raise Tinker.invalid_argument(\"{b.name} must be a Tinker::{cls}, got #{{value.class}}\")\n"
           "      end\n\n"
           f"      owned(:tinker_{b.name}_new, :tinker_{b.name}_free) do |ptr|\n"]
    for f in MESSAGES[b.message].fields:
        line = call(f"Raw.tinker_{b.name}_set_{f.name}", ["ptr", setter_value(b, f, f"value.{f.name}")], "        ")
        out.append(line + (f" unless value.{f.name}.nil?" if f.nullable else "") + "\n")
    out.append("        block.call(ptr)\n      end\n    end\n")
    return "".join(out)


def gen_builders():
    out = [HEADER, "\n# The builders' value types, their defaults from the registry, and their conversion into\n"
           "# libtinker's builders (one call's duration; see Tinker::Native).\nmodule Tinker"]
    for b in registry.BUILDERS:
        out.append(gen_builder(b))
    out.append("\n  module Native")
    for b in registry.BUILDERS:
        out.append(gen_builder_conversion(b))
    out.append("  end\nend\n")
    return "".join(out)


# ---- results ----------------------------------------------------------------------------------
#
# One Ruby value type (a Struct) per message a JSON result holds: the result's own message, named
# after the result (TrainingRunList), with `json` and `take`; and the messages of its lists, keyed
# lists and nested objects, named after the message (Checkpoint). A message used in several places
# is one type: Checkpoint is an item of CheckpointList#checkpoints and TrainingRun#last_checkpoint;
# TrainingRun is R1's result and an item of TrainingRunList#training_runs (its `json` is nil there).
# C flattens a nested object into getters "<field>_<its field>"; Ruby reads them into the nested
# type, or nil when the object is absent.

def json_results():
    return [r for r in registry.RESULTS if r.message and not r.handle and not r.handwritten]


RESULT_OF = {}  # message name -> the Result whose value it is
for _r in json_results():
    assert _r.message not in RESULT_OF, f"gen_ruby.py: {_r.message} is the message of two results"
    RESULT_OF[_r.message] = _r


def visible(message):
    return [f for f in MESSAGES[message].fields if not f.internal]


def nested(message):
    """The fields of a message that hold other messages (lists, keyed lists, nested objects)."""
    return [f for f in visible(message) if f.is_list() or f.is_keyed() or f.is_object()]


def type_name(message):
    r = RESULT_OF.get(message)
    return camel(r.name) if r else message


def value_types():
    """Every message that has a Ruby value type, each once, the ones it holds before it."""
    order = []

    def visit(message):
        if message in order:
            return
        for f in nested(message):
            visit(f.target())
        order.append(message)

    for r in json_results():
        visit(r.message)
    names = [type_name(m) for m in order]
    assert len(set(names)) == len(names), f"gen_ruby.py: two value types named alike: {names}"
    return order


def member(f):
    """The Ruby member of a result field: booleans drop an "is_" prefix and get a `?` reader."""
    return f.name[3:] if f.type == "bool" and f.name.startswith("is_") else f.name


def uses():
    """message name -> the members that hold it: ([list members], [nested object members])."""
    out = {}
    for message in value_types():
        for f in nested(message):
            lists, objects = out.setdefault(f.target(), ([], []))
            (objects if f.is_object() else lists).append(f"{type_name(message)}#{member(f)}")
    return out


def unknown_value(f):
    """The C getter's value that means "absent" (nil in Ruby), or None."""
    if f.type == "string" and f.omit == "empty" and not f.nullable:
        return '""'
    if gen_c.default_outside_range(f):
        return str(f.default)
    return None


def read_scalar(f, getter, args):
    value = f"Raw.{getter}({args})"
    if f.type == "bool" and f.nullable:
        return f"Values.optional_bool({value})"
    if f.type == "bool":
        return f"{value} != 0"
    if f.type == "metrics":
        return f"Native.metrics({value})"
    if f.type == "string_map":
        return f"Native.string_map({value})"
    unknown = unknown_value(f)
    return f"Values.or_nil({value}, {unknown})" if unknown else value


def presence_field(message):
    """The field whose getter tells whether a nullable nested object is there: its first required
    string, which C's flattened getters give as NULL only when the object is absent."""
    for f in visible(message):
        if f.type == "string" and f.required and not f.nullable and not f.omit:
            return f
    raise ValueError(f"gen_ruby.py: {message} has no required string field to tell its absence by")


def read_member(f, prefix, args, getters, indent):
    """The Ruby expression of one field, read with the C getters named prefix + ... (args); its
    continuation lines are indented from `indent`."""
    def getter(name):
        assert name in getters, f"gen_ruby.py: {name} is not among the result's C functions"
        return name

    if f.is_list() or f.is_keyed():
        assert args == "r", f"gen_ruby.py: {f.name}: a list inside a list item has no C getters"
        count = getter(f"{prefix}{f.item}_count")
        item = read_value(f.target(), f"{prefix}{f.item}_", "r, i", getters, indent + "  ")
        return f"Array.new(Raw.{count}(r)) do |i|\n{indent}  {item}\n{indent}end"
    if f.type == "strings":
        assert args == "r", f"gen_ruby.py: {f.name}: a list inside a list item has no C getters"
        count, item = getter(f"{prefix}{f.item}_count"), getter(f"{prefix}{f.item}")
        return f"Array.new(Raw.{count}(r)) {{ |i| Raw.{item}(r, i) }}"
    if f.is_object():
        assert f.nullable, f"gen_ruby.py: {f.name}: only nullable nested objects have C getters"
        sub = f"{prefix}{f.name}_"
        present = getter(sub + presence_field(f.target()).name)
        return f"Raw.{present}({args}) && " + read_value(f.target(), sub, args, getters, indent)
    return read_scalar(f, getter(prefix + f.name), args)


def read_value(message, prefix, args, getters, indent, top=False):
    """`Type.new(...)` (`new(...)` for the result itself, `top`) of a message read with the C
    getters named prefix + field; a result type's `json` is its own JSON at the top, else nil."""
    inner = indent + "  "
    values = [read_member(f, prefix, args, getters, inner) for f in visible(message)]
    if message in RESULT_OF:
        values.append(f"Raw.{prefix}to_json({args})" if top else "nil")
    fn = "new" if top else f"{type_name(message)}.new"
    one = f"{fn}({', '.join(values)})"
    if not top and "\n" not in one and len(indent + one) <= WIDTH:
        return one
    return f"{fn}(\n" + ",\n".join(inner + v for v in values) + f"\n{indent})"


def absent_in_ruby(doc):
    """A doc's clauses that say which C value means absent ("; -1 when ...", "NULL when ...", "\"\"
    otherwise") said with nil; None when it has none."""
    clauses = doc.split("; ")
    words = [re.sub(r'^(-1|NULL|"") ', "nil ", c) for c in clauses]
    return "; ".join(words) if words != clauses else None


def result_doc(f):
    """A result field's documentation in Ruby's words."""
    doc = f.doc or f.name
    if f.is_object():
        # The registry says what C's flattened getters give when the object is absent.
        clauses = doc.split("; ")
        absent = next((c[c.index(" when ") + 1:] for c in clauses if "getters" in c and " when " in c),
                      "when absent")
        main = "; ".join(c for c in clauses if "getters" not in c)
        return f"{main}: a Tinker::{type_name(f.target())}, or nil {absent}"
    if f.is_list() or f.is_keyed():
        return f"{doc}: an Array of Tinker::{type_name(f.target())}"
    if f.type == "strings":
        return f"{doc}: an Array of Strings"
    if f.type == "string_map":
        return f"{doc}: a Hash of Strings, empty when there is none"
    if f.type == "metrics":
        return f"{doc}: a Hash of name => Float"
    if f.type == "bool" and f.nullable:
        main, _, absent = doc.removeprefix("1 or 0: ").partition("; -1 ")
        return f"{main}: true, false, or nil {absent or 'when the server did not say'} (also #{member(f)}?)"
    if f.type == "bool":
        if doc.startswith("1 "):
            return f"true {doc[2:]}, else false (also #{member(f)}?)"
        return f"{doc}: true or false (also #{member(f)}?)"
    if unknown_value(f) or f.nullable:
        return absent_in_ruby(doc) or f"{doc}; nil when absent"
    return doc


def predicates(fields, indent):
    return "".join(f"\n{indent}def {member(f)}?\n{indent}  {member(f)}\n{indent}end\n"
                   for f in fields if f.type == "bool")


def type_doc(message, used):
    """The comment line of a value type: what it is and where it appears."""
    lists, objects = used
    r = RESULT_OF.get(message)
    cls = type_name(message)
    if r:
        head = f"{r.doc}: the {r.label} ({cls}.take copies it out of a finished future)"
        lists = [f"one of {m}" for m in lists]
    else:
        head = f"One of {', '.join(lists)}" if lists else ""
        lists = []
    rest = " and ".join(lists + objects)
    if head and rest:
        return f"{head}; also {rest}."
    return f"{head or 'The value of ' + rest}."


def gen_type(message, used):
    cls = type_name(message)
    r = RESULT_OF.get(message)
    fields = visible(message)
    out = ["\n" + comment(type_doc(message, used), "  ")]
    out += [comment(f"  {member(f)}: {result_doc(f)}", "  ", "    ") for f in fields]
    members = [f":{member(f)}" for f in fields]
    if r:
        json_doc = "the result as JSON"
        holders = [f"one of {m}" for m in used[0]] + [f"as {m}" for m in used[1]]
        if holders:
            owners = dict.fromkeys(m.split("#")[0] + "#json" for m in used[0] + used[1])
            json_doc += f"; nil for {' and '.join(holders)} (in {' and '.join(owners)})"
        out.append(comment(f"  json: {json_doc}", "  ", "    "))
        members.append(":json")
    body = ""
    if r:
        getters = {name for _, name, _, _ in gen_c.result_functions(r)}
        value = read_value(message, f"tinker_{r.name}_", "r", getters, "        ", top=True)
        body = ("    # Copies the result of a finished native future into Ruby values and frees the native one.\n"
                "    # @api private\n"
                "    def self.take(future)\n"
                f"      Native.consume(Raw.tinker_future_take_{r.name}(future), :tinker_{r.name}_free) do |r|\n"
                f"        {value}\n"
                "      end\n    end\n")
    body += predicates(fields, "    ")
    head = call(f"{cls} = Struct.new", members, "  ")
    out.append(head + (f" do\n{body.removeprefix(chr(10))}  end\n" if body else "\n"))
    return "".join(out)


def gen_results():
    out = [HEADER, "\n# The results of the registry that are JSON messages, as Ruby values. The native result is\n"
           "# freed as soon as it is copied.\nmodule Tinker"]
    used = uses()
    for message in value_types():
        out.append(gen_type(message, used.get(message, ([], []))))
    out.append("end\n")
    return "".join(out)


# ---- operations -------------------------------------------------------------------------------

def take_of(op):
    if not op.result:
        value = STATUS_RESULTS.get(op.name)
        return f"->(_future) {{ {value} }}" if value else "nil"
    r = RESULTS[op.result]
    if r.text:
        return f"->(future) {{ Raw.tinker_future_take_{r.name}(future) }}"
    return f"{camel(r.handle or r.name)}.method(:take)"


def returns_doc(op):
    if not op.result:
        return STATUS_RESULTS.get(op.name, "nil")
    r = RESULTS[op.result]
    if r.name in RESULT_VALUES:
        return RESULT_VALUES[r.name]
    return "a String" if r.text else f"a Tinker::{camel(r.handle or r.name)}"


def ruby_literal(value):
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int) else lit(str(value))


def signature(op, blocking):
    order = {"positional": 0, "optional": 1, "keyword": 2, "block": 4}
    parts = []
    for p in op.params:
        rk = RUBY_KINDS[p.kind]
        name = ruby_name(p)
        # An operation's own default (Param.default: R17's limit 20) over its kind's (R6's 100).
        default = rk.default if p.default is None else ruby_literal(p.default)
        text = {"positional": name, "optional": f"{name} = nil", "keyword": f"{name}: {default}",
                "block": f"&{name}"}[rk.form]
        parts.append((order[rk.form], text))
        if rk.fields:
            parts.append((3, "**fields"))
    assert sum(1 for _, t in parts if t == "**fields") <= 1, f"{op.name}: two builders with fields"
    if blocking:
        parts.append((2.5, "timeout: nil"))
    forms = [RUBY_KINDS[p.kind].form for p in op.params]
    assert "optional" not in forms or "positional" not in forms[forms.index("optional"):], \
        f"gen_ruby.py: {op.name}: a required positional parameter after an optional one"
    return [text for _, text in sorted(parts, key=lambda x: x[0])]


def starter_args(op):
    """The starter's parameters: every Ruby argument, the builder's fields as one Hash."""
    names = []
    for p in op.params:
        names.append(ruby_name(p))
        if RUBY_KINDS[p.kind].fields:
            names.append("fields")
    return names


def starter_body(op):
    """The block given to Operations#start: converts the arguments and starts the C _async call."""
    args = ["client"]
    wraps = []
    for p in op.params:
        rk = RUBY_KINDS[p.kind]
        name = ruby_name(p)
        if rk.convert:
            args.append(rk.convert.format(v=name, p=lit(name)))
        elif rk.wrap or rk.builder:
            if rk.builder:
                value = (f"Kinds.builder({camel(rk.builder)}, {name}, fields, {lit(name)})" if rk.fields else name)
                wraps.append((f"Native.with_{rk.builder}", [value], f"{name}_ptr"))
            else:
                wraps.append((rk.wrap.format(v=name, p=lit(name)), None, f"{name}_ptr"))
            args.append(f"{name}_ptr")
        else:
            raise ValueError(f"gen_ruby.py: {op.name}: kind {p.kind} has no conversion")
    lines = []
    indent = "        "
    for expr, expr_args, var in wraps:
        block = f" do |{var}|"
        lines.append((call(expr, expr_args, indent, block) if expr_args else f"{indent}{expr}{block}") + "\n")
        indent += "  "
    lines.append(call(f"Raw.{op.c_name()}_async", args, indent) + "\n")
    for _ in wraps:
        indent = indent[:-2]
        lines.append(f"{indent}end\n")
    return "".join(lines)


# A parameter's documentation where its kind's (RUBY_KINDS) says too little for one operation:
# (operation, parameter) -> what the Ruby value is.
PARAM_DOCS = {
    ("list_training_runs", "project_id"): "a String: only the runs of that project; nil: every project",
}


def param_docs(op):
    """The parameters as YARD tags (@param name, @yield for the block), so that the API docs
    (yard, ri) list each generated method with them."""
    out = []
    for p in op.params:
        doc = PARAM_DOCS.get((op.name, p.name), RUBY_KINDS[p.kind].doc)
        tag = "@yield" if RUBY_KINDS[p.kind].form == "block" else f"@param {ruby_name(p)}"
        out.append(comment(f"{tag} {doc}", "    ", "  "))
    return "".join(out)


@functools.cache
def c_statuses():
    """The status names of the C header (NOT_FOUND, ...), from TINKER_E_NOT_FOUND."""
    text = open(os.path.join(INCLUDE_DIR, "tinker", "common.h"), encoding="utf-8").read()
    return re.findall(r"\bTINKER_E_(\w+)\s*=", text)


@functools.cache
def declared_prototypes():
    return check_header.header_prototypes(INCLUDE_DIR)


def option_in_ruby(setter):
    """How a tinker_client_options_set_* setter is given in Ruby: a keyword of ServiceClient.new,
    whose value is the setter's argument, or an Array of its arguments (Options.apply)."""
    declared = declared_prototypes()
    assert setter in declared, f"gen_ruby.py: {setter} (named in an operation's doc) is not in the public headers"
    params = declared[setter].split("(", 1)[1].rstrip(")").split(",")[1:]
    names = [re.search(r"(\w+)$", p).group(1) for p in params]
    value = names[0] if len(names) == 1 else "[" + ", ".join(names) + "]"
    return f"ServiceClient.new({setter.removeprefix('tinker_client_options_set_')}: {value})"


def ruby_words(text):
    """An operation's registry doc in Ruby's words: a status is its Tinker::Error class
    (REQUEST_FAILED: Tinker::RequestFailedError), a client option setter the keyword of
    ServiceClient.new that calls it."""
    statuses = "|".join(sorted(c_statuses(), key=len, reverse=True))
    text = re.sub(rf"\b(?:TINKER_E_)?({statuses})\b",
                  lambda m: "Tinker::" + camel(m.group(1).lower()).removesuffix("Error") + "Error", text)
    return re.sub(r"\btinker_client_options_set_\w+", lambda m: option_in_ruby(m.group(0)), text)


def gen_op(op):
    block = next((p for p in op.params if RUBY_KINDS[p.kind].form == "block"), None)
    doc = ruby_words(op.doc)
    summary = f"{op.id} {op.name}: returns {returns_doc(op)}" + (f". {doc[0].upper()}{doc[1:]}" if doc else "")
    head = "\n" + comment(summary, "    ") + param_docs(op)
    async_sig, blocking_sig = signature(op, False), signature(op, True)
    if block:
        helper = BLOCK_HELPERS[block.kind]
        args = [ruby_name(p) for p in op.params if p is not block]
        fn, rest = helper, args + ["&" + ruby_name(block)]
        first = ["self"]
    else:
        fn, rest = f"start_{op.name}", starter_args(op)
        first = []

    def start(label, prefix=""):
        return call(prefix + fn, first + [lit(label)] + rest, "      ")

    # The blocking method: the same start, waited for and closed (on one line when it fits).
    blocking = start(op_label(op))
    wait = f"      Tinker.await({blocking.lstrip()}, timeout)"
    if "\n" in blocking or len(wait) > WIDTH:
        wait = start(op_label(op), "future = ") + "\n      Tinker.await(future, timeout)"
    returns = returns_doc(op)
    blocking_doc = (f"    # {op.name}_async, waited for up to timeout seconds (nil: forever).\n"
                    + param_docs(op)
                    + comment("@param timeout [Numeric, nil] seconds to wait; when they pass, the operation is "
                              "cancelled and Tinker::TimeoutError (a Timeout::Error) raised", "    ", "  ")
                    + comment(f"@return {returns}", "    ", "  ")
                    + comment("@raise [Tinker::Error] the operation's failure", "    ", "  "))
    return (head + comment(f"@return [Tinker::Future] a future whose value is {returns}", "    ", "  ")
            + call(f"def {op.name}_async", async_sig, "    ") + "\n" + start(op_label(op, "_async"))
            + "\n    end\n\n" + blocking_doc
            + call(f"def {op.name}", blocking_sig, "    ") + "\n" + wait + "\n    end\n")


def gen_starter(op):
    if any(RUBY_KINDS[p.kind].form == "block" for p in op.params):
        return ""
    return ("\n" + call(f"def start_{op.name}", ["label"] + starter_args(op), "    ") + "\n"
            f"      start(label, {take_of(op)}) do |client|\n{starter_body(op)}      end\n    end\n")


def gen_client(client):
    ops = [op for op in registry.OPS if op.client == client]
    cls = camel(client)
    out = [HEADER, f"\n# {cls}'s operations: each as name_async (a Tinker::Future) and the blocking name.\n"
           f"module Tinker\n  class {cls}\n    include Operations\n"]
    out += [gen_op(op) for op in ops]
    starters = [gen_starter(op) for op in ops]
    if any(starters):
        out.append("\n    private\n")
        out += starters
    out.append("  end\nend\n")
    return "".join(out)


CLIENTS = list(dict.fromkeys(op.client for op in registry.OPS))  # in the registry's order


def gen_loader():
    files = ["method_names", "builders", "results"] + CLIENTS
    return (HEADER + "\n# Loads every generated part of the Ruby layer (required by tinker.rb).\n"
            + "".join(f"require \"tinker/generated/{f}\"\n" for f in files))


OUTPUTS = {
    "bindings/ruby/tinker/generated.rb": gen_loader,
    f"{DIR}/method_names.rb": gen_method_names,
    f"{DIR}/builders.rb": gen_builders,
    f"{DIR}/results.rb": gen_results,
}
for _client in CLIENTS:
    OUTPUTS[f"{DIR}/{_client}.rb"] = (lambda c: lambda: gen_client(c))(_client)
