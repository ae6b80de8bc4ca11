"""The Java layer's code made from the registry, written by api/generate.py into
BUILD/generated/bindings/java/dev/libtinker/ and compiled with the hand-written classes of
bindings/java/src/main/java/dev/libtinker (bindings/CMakeLists.txt):

- <Client>Operations.java: every operation of a client as `fooAsync(...)`, returning a
  TinkerFuture, and a blocking `foo(...)`; the abstract sealed superclass of the hand-written
  client, which supplies the handle and the route to its completion thread (`start`). A null
  argument whose kind gives null no meaning throws NullPointerException naming the parameter
  (Objects.requireNonNull), before anything is converted;
- a record per result with a message: its non-internal fields, copied out with the C getters,
  and its take from a future. A list's items are a record nested in the first result that lists
  them, unless their message is a result's own: then the two share that result's record
  (TrainingRun), whose json() is, for a listed item, its part of the list's JSON. A nullable
  nested object is an Optional of its message's record, a string map an unmodifiable
  Map<String, String>, a keyed object a List;
- a record per builder: the registry's defaults, checked by the C setters whenever one is made,
  and its conversion into the C builder;
- CFunctionNames.java: each C function of the registry (and each setter of the hand-written
  sampling-parameters builder, and the few C functions outside the registry that a hand-written
  method wraps, such as tinker_path_parse) → the Java method that stands for it, so an error names
  the method the caller called (TinkerException).

Naming: `get_info` → `getInfo` / `getInfoAsync` on the client's class; a result or builder
`save_result` → `SaveResult`; fields and parameters in camelCase, a `*_seconds` parameter a
`Duration` without the suffix, a builder's `enable_x` field `x`, a builder's `seconds` field a
`Duration`, a day a LocalDate, a timestamp an Instant.
"""

import re
from dataclasses import dataclass
from typing import Optional

import gen_c
import kinds
import registry
from model import with_method_names

HEADER = "// Generated from api/registry.py by api/gen_java.py. Do not edit: change the registry.\n"
DIR = "bindings/java/dev/libtinker"

MESSAGES = {m.name: m for m in registry.MESSAGES}
RESULTS = {r.name: r for r in registry.RESULTS}


def camel(snake):
    head, *rest = snake.split("_")
    return head + "".join(p.capitalize() for p in rest)


def pascal(snake):
    return "".join(p.capitalize() for p in snake.split("_"))


def jstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


WIDTH = 100


def wrap(text, width):
    """`text` cut into lines of at most `width` characters at spaces."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + ([line] if line else [])


def javadoc(paragraphs, indent):
    """A Javadoc comment: one line when it fits, else paragraphs ("" = a blank line) wrapped."""
    pad = " " * indent
    paragraphs = [p.replace("*/", "*&#47;") for p in paragraphs]
    if len(paragraphs) == 1 and len(pad) + 7 + len(paragraphs[0]) <= WIDTH:
        return f"{pad}/** {paragraphs[0]} */\n"
    body = []
    for p in paragraphs:
        body += [pad + " * " + line for line in wrap(p, WIDTH - indent - 3)] if p else [pad + " *"]
    return "\n".join([pad + "/**"] + body + [pad + " */"]) + "\n"


def jcall(head, args, indent, tail=""):
    """`head(args)tail` at `indent`: on one line when it fits, else the arguments on the next line,
    else one per line."""
    pad = " " * indent
    one = f"{pad}{head}({', '.join(args)}){tail}"
    if len(one) <= WIDTH:
        return one
    inner = " " * (indent + 4)
    two = f"{inner}{', '.join(args)}){tail}"
    if len(two) <= WIDTH:
        return f"{pad}{head}(\n{two}"
    return f"{pad}{head}(\n" + ",\n".join(inner + a for a in args) + f"){tail}"


def imports(names):
    """The import lines of `names` and a blank line; nothing for none. The raw layer (SWIG's classes)
    shares the package dev.libtinker, so it needs no import."""
    return "".join(f"import {n};\n" for n in sorted(set(names))) + ("\n" if names else "")


def html(text):
    """A registry doc as Javadoc text: its placeholders (\"weights/<name>\") are text, not HTML tags."""
    text = text.replace("&", "&amp;")
    text = re.sub(r"<([^<>]*)>", r"&lt;\1&gt;", text)
    return text.replace("<", "&lt;")


# ---- parameter kinds (api/kinds.py) in Java ---------------------------------------------------

@dataclass
class JavaKind:
    type: str                       # the Java parameter's type
    arg: str = "{p}"                # the raw layer's argument ({p}: the Java parameter; `in`: the
                                    # call's NativeScope, which frees what it made after the call)
    absent: Optional[str] = None    # optional: the value of a parameter left out (shorter overloads)
    doc: Optional[str] = None       # None: the kind's doc in api/kinds.py (kept where it says nothing C-only)
    imports: tuple = ()
    borrow: Optional[str] = None    # a handle borrowed around the raw call by this function (so
                                    # close() on another thread waits); the raw argument is `{p}Ptr`
    helper: Optional[str] = None    # an operation with this kind delegates to this hand-written class
    default: bool = False           # `absent` is a value the server is sent (the official default), which
                                    # the shorter overloads' docs state; an operation's Param.default
                                    # replaces it
    support: Optional[str] = None   # the private static method of SUPPORT that `arg` calls (written once
                                    # into each Operations class whose operations use it)


# Conversions that kinds' `arg`s call: private static methods of the Operations classes.
SUPPORT = {
    "ttlSeconds": (
        "\n  /** A time to live in whole seconds, rounded up; a negative one stays negative (refused). */\n"
        "  private static long ttlSeconds(Duration ttl) {\n"
        "    if (ttl == null) {\n      return 0;\n    }\n"
        "    long seconds = ttl.getSeconds();\n"
        "    return ttl.getNano() > 0 && seconds >= 0 ? seconds + 1 : seconds;\n  }\n"),
    # LocalDate.toString is ISO 8601's YYYY-MM-DD for the years 0000-9999; any other year gets a sign
    # ("+10000-01-01"), which libtinker refuses, naming the method.
    "isoDate": (
        "\n  /** A day as YYYY-MM-DD; null for none. */\n"
        "  private static String isoDate(LocalDate day) {\n"
        "    return day == null ? null : day.toString();\n  }\n"),
    # ISO_INSTANT is RFC 3339 in UTC ("2026-12-01T00:00:00Z", a fraction only when there is one);
    # null stays null, which libtinker refuses, naming the method and the parameter.
    "rfc3339": (
        "\n  /** An instant in RFC 3339, UTC (\"2026-12-01T00:00:00Z\"); null stays null (refused). */\n"
        "  private static String rfc3339(Instant time) {\n"
        "    return time == null ? null : DateTimeFormatter.ISO_INSTANT.format(time);\n  }\n"),
}


JAVA_KINDS = {
    "string": JavaKind("String", doc=""),
    "string?": JavaKind("String", absent="null", doc="null: none"),
    "name": JavaKind("String"),
    "tinker_path": JavaKind("String"),
    "id": JavaKind("String"),
    "checkpoint_id": JavaKind("String"),
    "checkpoint_path": JavaKind("String"),
    "access_scope": JavaKind("String", absent="null", doc="\"owned\" or \"accessible\"; null: \"owned\""),
    "audit_event_type": JavaKind("String", absent="null", doc="\"all\" or \"checkpoints\"; null: \"all\""),
    "day?": JavaKind("LocalDate", arg="isoDate({p})", absent="null", imports=("java.time.LocalDate",),
                     support="isoDate", doc="a day (UTC), sent as YYYY-MM-DD; null: every day"),
    "timestamp": JavaKind("Instant", arg="rfc3339({p})", support="rfc3339",
                          imports=("java.time.Instant", "java.time.format.DateTimeFormatter"),
                          doc="sent in RFC 3339, UTC"),
    # A page: the official client's defaults (limit 100 unless the operation says otherwise, as R17's
    # 20; offset 0) are what the shorter overloads send.
    "limit": JavaKind("int", absent="100", default=True),
    "offset": JavaKind("int", absent="0", default=True),
    "ttl": JavaKind("Duration", arg="ttlSeconds({p})", absent="null", imports=("java.time.Duration",),
                    support="ttlSeconds", doc="rounded up to whole seconds; null or zero: never expires"),
    "flag": JavaKind("boolean", arg="{p} ? 1 : 0", absent="false", doc=""),
    "batch": JavaKind("List<Datum>", arg="in.batch({p})", imports=("java.util.List",),
                      doc="converted for this call; bad input throws before anything is sent"),
    "loss_fn_config?": JavaKind("Map<String, Double>", arg="in.lossFnConfig({p})", absent="null",
                                imports=("java.util.Map",), doc="named numbers for the loss function; null or empty: none"),
    "metadata?": JavaKind("Map<String, String>", arg="in.metadata({p})", absent="null",
                          imports=("java.util.Map",), doc="null or empty: none"),
    "tinker_path?": JavaKind("String", absent="null", doc="null: none; else starts with tinker://"),
    # Counts are ints, as Java counts things; the raw layer's int64 takes them as they are.
    "count": JavaKind("int", doc=">= 1"),
    "topk": JavaKind("int", absent="0", doc=">= 0; 0: none"),
    "model_input": JavaKind("ModelInput", arg="in.modelInput({p})",
                            doc="encoded when the call is made; bad input throws before anything is sent"),
    # SamplingParams is hand-written (stop strings or tokens are lists, which registry builders do
    # not have) but converted the way the generated builder records are.
    "sampling_params?": JavaKind("SamplingParams", arg="SamplingParams.toNative({p}, in)", absent="null",
                                 doc="null: the defaults"),
    # The custom loss runs as a Java function between the two phases (CustomLossRunner).
    "custom_loss_fn": JavaKind("CustomLossFunction", helper="CustomLossRunner",
                               doc="computes the loss and gradients from the forward pass's logprobs"),
    "custom_loss_step": JavaKind("CustomLossStep", arg="{p}Ptr", borrow="CustomLossStep.borrow",
                                 doc="from forwardBackwardCustomBegin; copied before the call returns"),
}
# Builder kinds ("adam_params?", ...): the builder's record, null for libtinker's defaults.
for _b in registry.BUILDERS:
    JAVA_KINDS[_b.name + "?"] = JavaKind(pascal(_b.name), arg=f"{pascal(_b.name)}.toNative({{p}}, in)", absent="null",
                                         doc="null: the defaults")

_missing = set(kinds.KINDS) - set(JAVA_KINDS)
assert not _missing, f"gen_java.py: no Java form for parameter kind(s) {sorted(_missing)}"


def param_name(p):
    if p.kind == "ttl":
        return camel(p.name.removesuffix("_seconds"))
    return camel(p.name)


@dataclass
class OptionsRecord:
    type: str                       # the hand-written record (with a static defaults(): none set)
    doc: str                        # the `options` parameter's Javadoc


# Optional parameters that Java takes as one record (a hand-written input type), by their names.
OPTIONS_RECORDS = {
    ("base_model", "user_metadata", "weights_access_token"):
        OptionsRecord("ServiceClient.FromStateOptions", "null: every option absent"),
    ("model_path", "base_model", "retry"):
        OptionsRecord("ServiceClient.SamplingClientOptions",
                      "the sampler checkpoint or base model to sample (at least one), and the retry settings"),
}

# Setters of the builders written by hand in C (not in registry.BUILDERS) → their Java builder
# methods, so that their errors name Java too (see CFunctionNames).
HANDWRITTEN_BUILDER_SETTERS = {
    "tinker_sampling_params_set_max_tokens": "SamplingParams.Builder.maxTokens",
    "tinker_sampling_params_set_seed": "SamplingParams.Builder.seed",
    "tinker_sampling_params_set_temperature": "SamplingParams.Builder.temperature",
    "tinker_sampling_params_set_top_k": "SamplingParams.Builder.topK",
    "tinker_sampling_params_set_top_p": "SamplingParams.Builder.topP",
    "tinker_sampling_params_add_stop_string": "SamplingParams.Builder.stopStrings",
    "tinker_sampling_params_add_stop_token": "SamplingParams.Builder.stopTokens",
}

# C functions outside the registry that a hand-written Java method wraps → that method, so that
# their errors name Java too (see CFunctionNames).
HANDWRITTEN_FUNCTIONS = {
    "tinker_service_client_create_rest_client": "ServiceClient.createRestClient",
    "tinker_path_parse": "TinkerPath.parse",
    "tinker_path_format": "TinkerPath.format",
    "tinker_tokenizer_load_file": "Tokenizer.load",
    "tinker_tokenizer_load_memory": "Tokenizer.fromJson",
    "tinker_tokenizer_encode": "Tokenizer.encode",
    "tinker_tokenizer_encode_batch": "Tokenizer.encodeBatch",
    "tinker_tokenizer_decode": "Tokenizer.decode",
}

# Results that become handles: how Java takes them (a client is served by the completion thread of
# the service client it came from).
HANDLE_TAKES = {"training_client": "f -> TrainingClient.take(service(), f)",
                "sampling_client": "f -> SamplingClient.take(service(), f)",
                # A tokenizer depends on no client (tinker_future_take_tokenizer).
                "tokenizer": "Tokenizer::take"}


# Handle results that are not clients: hand-written classes with no operations of their own, so no
# <Client>Operations superclass (a tokenizer encodes and decodes locally).
NOT_CLIENTS = {"tokenizer"}


def result_type(op):
    if not op.result:
        return "Void"
    r = RESULTS[op.result]
    return "String" if r.text else pascal(r.handle or r.name)


def take_expr(op):
    if not op.result:
        return "f -> null"
    r = RESULTS[op.result]
    if r.handle:
        return HANDLE_TAKES.get(r.handle, f"{pascal(r.handle)}::take")
    if r.text:
        return (f"f -> {{\n          String[] s = new String[1];\n"
                f"          TinkerRaw.tinker_future_take_{r.name}(f, s);\n          return s[0];\n        }}")
    return f"{pascal(r.name)}::take"


# ---- C function names → Java methods ------------------------------------------------------------

def op_java_name(op, asynchronous):
    return f"{pascal(op.client)}.{camel(op.name)}{'Async' if asynchronous else ''}"


def builder_field_name(f):
    return camel(f.name.removeprefix("enable_"))


def java_names():
    """[(C function, Java method)] of every operation (both forms) and builder setter, the
    hand-written builders' included, and of the hand-written methods over other C functions."""
    names = []
    for op in registry.OPS:
        (blocking, _), (asynchronous, _) = gen_c.op_prototypes(op)
        names += [(blocking, op_java_name(op, False)), (asynchronous, op_java_name(op, True))]
    for b in registry.BUILDERS:
        setters = {name for _, name, _, _ in gen_c.builder_functions(b)}
        for f in MESSAGES[b.message].fields:
            c = f"tinker_{b.name}_set_{f.name}"
            assert c in setters, c
            names.append((c, f"{pascal(b.name)}.Builder.{builder_field_name(f)}"))
    return names + list(HANDWRITTEN_BUILDER_SETTERS.items()) + list(HANDWRITTEN_FUNCTIONS.items())


def gen_c_function_names():
    entries = ",\n".join(f"          Map.entry({jstr(c)}, {jstr(j)})" for c, j in java_names())
    return (HEADER + "package dev.libtinker;\n\nimport java.util.Map;\n\n"
            + javadoc(["The Java method that stands for each C function of the registry: libtinker's errors name the "
                       "C function (\"tinker_training_client_save_state_async: name is NULL\"), the Java layer's the "
                       "method (\"TrainingClient.saveStateAsync: name is NULL\"; see TinkerException)."], 0)
            + "final class CFunctionNames {\n"
            "  private static final Map<String, String> JAVA =\n"
            "      Map.ofEntries(\n" + entries + ");\n\n"
            "  private CFunctionNames() {}\n\n"
            "  /** The Java method of C function {@code name}; null when it is none of the registry's. */\n"
            "  static String javaName(String name) {\n"
            "    return JAVA.get(name);\n"
            "  }\n}\n")


# ---- operations ---------------------------------------------------------------------------------

def param_doc(p, jk):
    return html("; ".join(d for d in (p.doc, kinds.KINDS[p.kind].doc if jk.doc is None else jk.doc) if d))


def with_param_names(text, op):
    """`text` (an operation's doc) with each of its parameters that has an underscore
    ("num_samples") named as Java names it ({@code numSamples})."""
    names = {p.name: param_name(p) for p in op.params if "_" in p.name}
    if not names:
        return text
    pattern = r"\b(" + "|".join(sorted(names, key=len, reverse=True)) + r")\b"
    return re.sub(pattern, lambda m: f"{{@code {names[m.group(1)]}}}", text)


# What operation docs name in C's words → its Java name (the client options' setters are methods
# of ServiceClient.Builder; a status is a constant of Status).
DOC_LINKS = {
    "tinker_client_options_set_archive_retry": "{@link ServiceClient.Builder#archiveRetry}",
    "tinker_client_options_set_trace_poll_interval_ms": "{@link ServiceClient.Builder#tracePollInterval}",
    "REQUEST_FAILED": "{@link Status#REQUEST_FAILED}",
    "UNIMPLEMENTED": "{@link Status#UNIMPLEMENTED}",
}


def with_java_links(text):
    pattern = r"\b(" + "|".join(sorted(DOC_LINKS, key=len, reverse=True)) + r")\b"
    return re.sub(pattern, lambda m: DOC_LINKS[m.group(1)], text)


def op_doc(op, asynchronous, params, left_out=(), first=None, more=()):
    """Javadoc paragraphs of one overload; params: [(Java name, doc)]."""
    if first is None and asynchronous:
        first = (f"{op.id} {op.name}, asynchronous ({{@code {op.c_name()}_async}}): the future is completed "
                 "through the service client's completion queue, never on its draining thread.")
    elif first is None:
        first = f"{op.id} {op.name}, blocking: {{@code {camel(op.name)}Async}} awaited; an interrupt cancels it."
    paragraphs = [first]
    if op.doc:
        doc = with_param_names(with_method_names(html(op.doc), registry.OPS, lambda n: f"{{@code {camel(n)}}}"), op)
        doc = with_java_links(doc)
        paragraphs += ["", "<p>" + doc[0].upper() + doc[1:]]
    if left_out:
        # left_out: [(name, the value sent, or None: absent)]
        given = [f"{n} = {v}" for n, v in left_out if v is not None]
        absent = [n for n, v in left_out if v is None]
        text = ([f"with {', '.join(given)}"] if given else []) + ([f"without {', '.join(absent)} (absent)"] if absent else [])
        text = "; ".join(text)
        paragraphs += ["", f"<p>{text[0].upper()}{text[1:]}."]
    for m in more:
        paragraphs += ["", "<p>" + m]
    if params or return_doc(op, asynchronous):
        paragraphs.append("")
    paragraphs += [f"@param {n} {d or 'the ' + words(n)}" for n, d in params]
    if return_doc(op, asynchronous):
        paragraphs.append("@return " + return_doc(op, asynchronous))
    return paragraphs


def words(name):
    """A Java name in words ("lossFn" → "loss fn"), for a parameter the registry says nothing about."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: " " + m.group(1).lower(), name)


def return_doc(op, asynchronous):
    """What a form of `op` returns, for its @return; None for a blocking form without a result."""
    rtype = result_type(op)
    what = None if rtype == "Void" else "the text" if rtype == "String" else f"the {{@link {rtype}}}"
    if asynchronous:
        return f"a future completed with {what}" if what else "a future completed (with null) once the operation finished"
    return what


class OpForm:
    """An operation's Java overloads: the full form takes every parameter (or the required ones and
    an options record); shorter forms leave optional ones out from the end."""

    def __init__(self, op):
        self.op = op
        self.params = [(p, JAVA_KINDS[p.kind]) for p in op.params]
        n_opt = 0
        while n_opt < len(self.params) and self.absent(*self.params[-1 - n_opt]) is not None:
            n_opt += 1
        self.required = self.params[:len(self.params) - n_opt]
        self.optional = self.params[len(self.params) - n_opt:]
        options = OPTIONS_RECORDS.get(tuple(p.name for p, _ in self.optional)) if self.optional else None
        self.record = options.type if options else None
        self.record_doc = options.doc if options else None

    @staticmethod
    def absent(p, jk):
        """What a shorter overload passes for a parameter it leaves out (None: it cannot)."""
        return str(p.default) if p.default is not None and jk.absent is not None else jk.absent

    @classmethod
    def left_out(cls, params):
        return [(param_name(p), cls.absent(p, jk) if jk.default else None) for p, jk in params]

    @staticmethod
    def decl(params):
        return [(f"{jk.type} {param_name(p)}", param_name(p), param_doc(p, jk)) for p, jk in params]

    def overloads(self):
        """[(declarations [(declaration, name, doc)], arguments of the full form or None for the full
        form itself, names left out)], the full form last."""
        required = self.decl(self.required)
        if self.record:
            full = (required + [(f"{self.record} options", "options", self.record_doc)], None, [])
            if not required:
                # The record is all the call says (which model to sample, ...): a form without it
                # would be a call that names nothing.
                return [full]
            return [(required, [n for _, n, _ in required] + ["null"], [("options", None)]), full]
        forms = []
        for k in range(len(self.optional)):
            kept = self.decl(self.optional[:k])
            args = [n for _, n, _ in required + kept] + [self.absent(p, jk) for p, jk in self.optional[k:]]
            forms.append((required + kept, args, self.left_out(self.optional[k:])))
        forms.append((required + self.decl(self.optional), None, []))
        return forms

    def raw_args(self):
        args = []
        for p, jk in self.params:
            value = f"opts.{param_name(p)}()" if self.record and (p, jk) in self.optional else param_name(p)
            args.append(jk.arg.format(p=value))
        return args


PRIMITIVES = {"boolean", "int", "long", "float", "double"}


def null_checked(params):
    """The Java names of `params` ([(Param, JavaKind)]) that must not be null: reference types
    whose kind has no meaning for null (no `absent` value)."""
    return [param_name(p) for p, jk in params if jk.absent is None and jk.type not in PRIMITIVES]


def null_checks(names, indent=4):
    """Objects.requireNonNull of each name, naming it: a null argument throws NullPointerException
    from the call itself, before anything is converted or sent."""
    return "".join(f"{' ' * indent}Objects.requireNonNull({n}, {jstr(n)});\n" for n in names)


def start_call(op, form):
    """The body of the full asynchronous form: check, convert, start the C _async call, take the
    result. The shorter and the blocking forms call it, so they check the same way."""
    lines = [null_checks(null_checked(form.params))]
    if form.record:
        line = f"    {form.record} opts = options == null ? {form.record}.defaults() : options;\n"
        if len(line) > WIDTH + 1:
            line = f"    {form.record} opts =\n        options == null ? {form.record}.defaults() : options;\n"
        lines.append(line)
    args = ["handle"] + form.raw_args() + ["out"]
    borrowed = [(param_name(p), jk.borrow) for p, jk in form.params if jk.borrow]
    if borrowed:
        assert len(borrowed) == 1, op.name
        b, borrow = borrowed[0]
        lambda_ = (f"        (handle, in, out) ->\n            {borrow}(\n                {b},\n                {b}Ptr -> {{\n"
                   + jcall(f"TinkerRaw.{op.c_name()}_async", args, 18, ";") + "\n"
                   "                  return null;\n                })")
    else:
        one = jcall(f"(handle, in, out) -> TinkerRaw.{op.c_name()}_async", args, 8)
        lambda_ = (one if "\n" not in one and len(one) < WIDTH else
                   "        (handle, in, out) ->\n" + jcall(f"TinkerRaw.{op.c_name()}_async", args, 12))
    lines.append(f"    return start(\n{lambda_},\n        {take_expr(op)});\n")
    return "".join(lines)


def method(doc, signature, body):
    return "\n" + javadoc(doc, 2) + jcall(f"public {signature[0]}", signature[1], 2, " {") + "\n" + body + "  }\n"


def helper_methods(op, form, helper):
    """An operation run by a hand-written helper in the language's own way (its kind says which);
    the asynchronous form also comes with the Executor the Java function runs on."""
    assert form.record is None and not form.optional, op.name
    name, rtype, cls = camel(op.name), result_type(op), pascal(op.client)
    decl = form.decl(form.params)
    params = [d for d, _, _ in decl]
    args = [n for _, n, _ in decl]
    docs = [(n, d) for _, n, d in decl]
    executor = ("executor", "runs the Java function (never the completion thread)")
    blocking = (f"{op.id} {op.name}, blocking: the Java function runs on the calling thread between the "
                "operation's phases.")
    asynchronous = (f"{op.id} {op.name}, asynchronous: the first phase starts now; once it finished, the Java "
                    "function runs on an executor and starts the last phase, whose result completes the future.")
    executor = ("executor", "runs the Java function (never the completion thread)")
    c_name, c_async = jstr(op.c_name()), jstr(op.c_name() + "_async")
    checks = null_checks(null_checked(form.params))
    return (method(op_doc(op, False, docs, first=blocking, more=[f"Runs in {{@code {helper}.run}}."]),
                   (f"{rtype} {name}", params),
                   checks + jcall(f"return {helper}.run", [f"({cls}) this", c_name, *args], 4, ";") + "\n")
            + method(op_doc(op, True, docs, first=asynchronous, more=["The Java function runs on the common ForkJoinPool."]),
                     (f"TinkerFuture<{rtype}> {name}Async", params),
                     checks + jcall(f"return {helper}.runAsync",
                                    [f"({cls}) this", c_async, *args, f"{helper}.DEFAULT_EXECUTOR"], 4, ";")
                     + "\n")
            + method(op_doc(op, True, docs + [executor], first=asynchronous, more=[f"Runs in {{@code {helper}.runAsync}}."]),
                     (f"TinkerFuture<{rtype}> {name}Async", params + ["Executor executor"]),
                     checks + null_checks(["executor"])
                     + jcall(f"return {helper}.runAsync", [f"({cls}) this", c_async, *args, "executor"], 4, ";") + "\n"))


def op_methods(op):
    form = OpForm(op)
    name, rtype = camel(op.name), result_type(op)
    out = [f"\n  // ---- {op.id} {op.name} " + "-" * max(4, WIDTH - 10 - len(op.id) - len(op.name)) + "\n"]
    helper = next((jk.helper for _, jk in form.params if jk.helper), None)
    if helper:
        return out[0] + helper_methods(op, form, helper)
    overloads = form.overloads()
    for decl, args, left_out in overloads:
        params = [d for d, _, _ in decl]
        doc = op_doc(op, True, [(n, d) for _, n, d in decl], left_out)
        body = start_call(op, form) if args is None else jcall(f"return {name}Async", args, 4, ";") + "\n"
        out.append(method(doc, (f"TinkerFuture<{rtype}> {name}Async", params), body))
    for decl, _, left_out in overloads:
        params = [d for d, _, _ in decl]
        doc = op_doc(op, False, [(n, d) for _, n, d in decl], left_out)
        call = f"() -> {name}Async({', '.join(n for _, n, _ in decl)})"
        if rtype == "Void":
            body = jcall("TinkerFuture.blocking", [jstr(op.c_name()), call], 4, ";") + "\n"
            out.append(method(doc, (f"void {name}", params), body))
        else:
            body = jcall("return TinkerFuture.blocking", [jstr(op.c_name()), call], 4, ";") + "\n"
            out.append(method(doc, (f"{rtype} {name}", params), body))
    return "".join(out)


def gen_client_operations(client):
    cls = pascal(client)
    ops = [op for op in registry.OPS if op.client == client]
    names = ["java.util.function.Function"]
    needs_service = any(op.result and "service()" in HANDLE_TAKES.get(RESULTS[op.result].handle, "") for op in ops)
    support = dict.fromkeys(JAVA_KINDS[p.kind].support for op in ops for p in op.params if JAVA_KINDS[p.kind].support)
    for op in ops:
        for p in op.params:
            jk = JAVA_KINDS[p.kind]
            names += list(jk.imports)
            if jk.helper:
                names += ["java.util.concurrent.Executor", "java.util.Objects"]
        if null_checked(OpForm(op).params):
            names.append("java.util.Objects")
    body = [HEADER, "package dev.libtinker;\n\n", imports(names),
            javadoc([f"The registry's operations of {{@link {cls}}}, each as {{@code fooAsync(...)}} returning a "
                     "{@link TinkerFuture} and as a blocking {@code foo(...)} that awaits it. Failures are "
                     "{@link TinkerException}s naming the method called; bad arguments throw from the call itself, "
                     "before anything is sent: a null where a value is required a NullPointerException naming "
                     "the parameter, any other a TinkerException. Parameters are converted by their kinds (api/kinds.py): Java values "
                     "become libtinker's builders inside the call and are freed before it returns. Optional "
                     "parameters may be left out from the end, or be null (false for a flag).",
                     "",
                     f"<p>{cls} supplies the handle and the route to the completion thread ({{@link #start}})."], 0),
            f"abstract sealed class {cls}Operations permits {cls} {{\n",
            f"  {cls}Operations() {{}}\n\n",
            "  /** Starts one C {@code _async} call on this client's handle; take converts the finished future. */\n"
            f"  abstract <T> TinkerFuture<T> start(\n      ServiceClient.AsyncCall<SWIGTYPE_p_tinker_{client}> call,"
            " Function<SWIGTYPE_p_tinker_future, T> take);\n"]
    if needs_service:
        body.append("\n  /** The service client whose completion thread serves the clients this one makes. */\n"
                    "  abstract ServiceClient service();\n")
    for op in ops:
        body.append(op_methods(op))
    body += [SUPPORT[name] for name in support]
    body.append("}\n")
    return "".join(body)


# ---- results --------------------------------------------------------------------------------------

def value_results():
    """The results that become generated records: those with a message, neither hand-written nor a
    client handle."""
    return [r for r in registry.RESULTS if r.message and not r.handwritten and not r.handle]


RESULT_OF = {r.message: r.name for r in value_results()}  # message → the result it is the message of


def _message_types():
    """Message → the Java record of its items, for every message a result lists (a "list:" or
    "keyed:" field): the record of the result whose own message it is, when there is one (one
    TrainingRun for a fetched run and a listed one), else a record nested in the first result that
    lists it, named after the item (CheckpointList.Checkpoint). A nested object ("object:") is a
    record of its message from here too (TrainingRun.lastCheckpoint is a CheckpointList.Checkpoint)."""
    types = {}
    for r in value_results():
        for f in gen_c.result_fields(r):
            if f.is_list() or f.is_keyed():
                m = f.target()
                types.setdefault(m, pascal(RESULT_OF[m]) if m in RESULT_OF else f"{pascal(r.name)}.{pascal(f.item)}")
    return types


MESSAGE_TYPES = _message_types()
# Results whose record is also a list's item record: a listed item's json() is its part of the list's.
SHARED = {r.name for r in value_results() if MESSAGE_TYPES.get(r.message) == pascal(r.name)}


def message_type(message, cls):
    """The Java record of `message`'s values as named inside class `cls`."""
    assert message in MESSAGE_TYPES, f"gen_java.py: no result lists {message}, so it has no Java record"
    return MESSAGE_TYPES[message].removeprefix(cls + ".")


def item_fields(message):
    """The fields of a message's values as C's getters expose them: every field of a list's item,
    the non-internal ones of a result or a nested object (a record shared by both has none)."""
    return [f for f in MESSAGES[message].fields if not f.internal]


SCALAR_TYPES = {"string": "String", "bool": "boolean", "int32": "int", "int64": "long", "double": "double",
                "metrics": "Map<String, Double>", "strings": "List<String>", "string_map": "Map<String, String>"}


def field_type(f, cls):
    if f.is_list() or f.is_keyed():
        return f"List<{message_type(f.target(), cls)}>"
    if f.is_object():
        assert f.nullable, f"gen_java.py: {f.name}: only nullable nested objects have getters"
        return f"Optional<{message_type(f.target(), cls)}>"
    if f.type == "bool" and f.nullable:
        return "Boolean"  # null: the server did not say
    return SCALAR_TYPES[f.type]


def getter_value(getter, f, args):
    call = f"TinkerRaw.{getter}({args})"
    if f.type == "bool" and f.nullable:
        return f"Results.optionalBoolean({call})"
    if f.type == "bool":
        return f"{call} != 0"
    if f.type == "metrics":
        return f"Metrics.copyOf({call})"
    if f.type == "string_map":
        return f"Results.stringMap({call})"
    return call


def collection_copy(f):
    """The compact constructor's line that makes a collection component immutable, or None."""
    name = camel(f.name)
    if f.is_list() or f.is_keyed() or f.type == "strings":
        return f"    {name} = List.copyOf({name});\n"
    if f.type in ("metrics", "string_map"):
        return f"    {name} = Collections.unmodifiableMap(new LinkedHashMap<>({name}));\n"
    return None


def sentence(text):
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".") if text else ""


def field_doc(f):
    """A result field's doc from the registry's, which speaks C: NULL is null, 1 is true, and a
    nested object's getters that give NULL or -1 are an empty Optional."""
    doc = html(f.doc or f.name.replace("_", " "))
    if f.type == "string":
        doc = doc.replace("NULL", "null")
    if f.is_object():
        doc = doc.split(";")[0] + "; empty when there is none"
    elif f.type == "bool" and f.nullable:
        # C's -1/0/1 is a Boolean's null/false/true.
        doc = re.sub(r"-1 (when|for)", r"null \1", doc.removeprefix("1 or 0: "))
    elif f.type == "bool" and doc.startswith("1 "):
        doc = "true " + doc[2:]
    return sentence(doc)


def record_body(fields, record, indent, params):
    """The compact constructor (indented by `indent`) that copies a record's collections, or "";
    params: its Javadoc @param paragraphs (the record's)."""
    copies = [c for c in (collection_copy(f) for f in fields) if c]
    if not copies:
        return ""
    pad = " " * indent
    return (javadoc(["Copies the collections: the value is immutable.", ""] + params, indent)
            + f"{pad}public {record} {{\n" + "".join(" " * (indent - 2) + c for c in copies) + f"{pad}}}\n")


class ResultReader:
    """The Java code that copies result `r`'s values out of its C object through the getters, into
    the records as named in class `cls`: an expression per field, and the private static methods
    they call (`methods`: the copy of each list, with the item's record when it is nested here;
    the copy of each nested object)."""

    def __init__(self, r, cls):
        self.r, self.cls = r, cls
        self.T = f"SWIGTYPE_p_tinker_{r.name}"
        self.functions = {name for _, name, _, _ in gen_c.result_functions(r)}
        self.methods = []
        self.records = set()

    def getter(self, name):
        assert name in self.functions, f"gen_java.py: {name} is not among gen_c.result_functions({self.r.name})"
        return name

    def value(self, f, prefix, args, path):
        """Field f's value; its getter is prefix + its name, called with `args` ("result", or
        "result, i" in a list's item); `path` names the copy methods it needs."""
        if f.is_object():
            return self.nested(f, prefix, args, path)
        if f.is_list() or f.is_keyed() or f.type == "strings":
            assert args == "result", f"gen_java.py: {f.name}: a list inside a list's item has no C getters"
            return self.list_copy(f)
        return getter_value(self.getter(prefix + f.name), f, args)

    def nested(self, f, prefix, args, path):
        """A nullable nested object: C flattens it into getters prefixed by the field's name, which
        give NULL (strings) when it is absent; a required string tells which."""
        subs = item_fields(f.target())
        present = next((s for s in subs if s.type == "string" and not s.nullable and not s.key), None)
        assert present, f"gen_java.py: {f.target()} has no required string to tell an absent {f.name} by"
        t = message_type(f.target(), self.cls)
        name = "copy" + "".join(pascal(x) for x in path)
        sub = f"{prefix}{f.name}_"
        start = len(self.methods)
        values = [self.value(s, sub, args, path + [s.name]) for s in subs]
        params = [f"{self.T} result"] + ([] if args == "result" else ["long i"])
        self.methods.insert(start,
                            "\n" + jcall(f"private static Optional<{t}> {name}", params, 2, " {") + "\n"
                            f"    if (TinkerRaw.{self.getter(sub + present.name)}({args}) == null) {{\n"
                            "      return Optional.empty();\n    }\n"
                            + jcall(f"return Optional.of(new {t}", values, 4, ");") + "\n  }\n")
        return f"{name}({args})"

    def list_copy(self, f):
        """The copy of a list: its items' records (made here when nested here). An item that is a
        result of its own (shared) also gets its part of the list's JSON."""
        name = "copy" + pascal(f.name)
        start = len(self.methods)
        if f.type == "strings":
            self.methods.append(
                f"\n  private static List<String> {name}({self.T} result) {{\n"
                f"    List<String> list = new ArrayList<>();\n"
                f"    for (long i = 0, n = TinkerRaw.{self.getter(f'tinker_{self.r.name}_{f.item}_count')}(result); "
                "i < n; i++) {\n"
                f"      list.add(TinkerRaw.{self.getter(f'tinker_{self.r.name}_{f.item}')}(result, i));\n"
                "    }\n    return list;\n  }\n")
            return f"{name}(result)"
        item = message_type(f.target(), self.cls)
        subs = MESSAGES[f.target()].fields
        shared = f.target() in RESULT_OF
        if shared:
            assert subs == item_fields(f.target()), f"gen_java.py: {f.target()}: a shared record has no internal field"
            assert f.is_list() and "." not in f.paths()[0], f"gen_java.py: {f.name}: a shared item's JSON is an array's"
        prefix = f"tinker_{self.r.name}_{f.item}_"
        values = [self.value(s, prefix, "result, i", [f.item, s.name]) for s in subs]
        count = f"TinkerRaw.{self.getter(f'tinker_{self.r.name}_{f.item}_count')}(result)"
        record = ""
        if MESSAGE_TYPES[f.target()].startswith(self.cls + ".") and f.target() not in self.records:
            self.records.add(f.target())
            params = [f"@param {camel(s.name)} {field_doc(s)}" for s in subs]
            compact = record_body(subs, item, 4, params)
            record = ("\n" + javadoc([f"One of {{@link #{camel(f.name)}()}}.", ""] + params, 2)
                      + jcall(f"public record {item}", [f"{field_type(s, self.cls)} {camel(s.name)}" for s in subs], 2,
                              " {" if compact else " {}") + "\n"
                      + (compact + "  }\n" if compact else ""))
        if shared:
            head = ("\n" + jcall(f"private static List<{item}> {name}", [f"{self.T} result", "String json"], 2, " {")
                    + "\n"
                    f"    long n = {count};\n"
                    f"    List<String> items = Results.itemJson(json, {jstr(f.paths()[0])}, n);\n"
                    f"    List<{item}> list = new ArrayList<>();\n"
                    "    for (int i = 0; i < n; i++) {\n")
            values.append("items.get(i)")
        else:
            head = (f"\n  private static List<{item}> {name}({self.T} result) {{\n"
                    f"    List<{item}> list = new ArrayList<>();\n"
                    f"    for (long i = 0, n = {count}; i < n; i++) {{\n")
        self.methods.insert(start, record + head
                            + jcall(f"list.add(new {item}", values, 6, ");") + "\n    }\n    return list;\n  }\n")
        return f"{name}(result, json[0])" if shared else f"{name}(result)"


# The java.util classes a generated record may use, imported when its code names them.
JAVA_UTIL = ("ArrayList", "Collections", "LinkedHashMap", "List", "Map", "Optional")


def used_imports(text):
    code = "\n".join(line for line in text.splitlines()
                     if not line.lstrip().startswith(("*", "/**", "//")))
    return [f"java.util.{n}" for n in JAVA_UTIL if re.search(rf"\b{n}\b", code)]


def gen_result(r):
    cls = pascal(r.name)
    shared = r.name in SHARED
    reader = ResultReader(r, cls)
    T = reader.T
    getter = reader.getter
    fields = gen_c.result_fields(r)
    components = [(field_type(f, cls), camel(f.name), field_doc(f)) for f in fields]
    values = [reader.value(f, f"tinker_{r.name}_", "result", [f.name]) for f in fields]
    components.append(("String", "json", "The server's answer as JSON, for logging"
                       + ("; a listed one's is its part of the list's." if shared else ".")))
    values.append("json[0]")
    ops = [op_java_name(op, False) for op in registry.OPS if op.result == r.name]
    first = (f"The {r.label} of {', '.join('{@code ' + o + '}' for o in ops)}: a plain Java value, copied out of "
             "libtinker's result, which is freed at once.")
    if shared:
        lists = [f"{{@link {pascal(r2.name)}#{camel(f.name)}()}}" for r2 in value_results()
                 for f in gen_c.result_fields(r2) if (f.is_list() or f.is_keyed()) and f.target() == r.message]
        first += f" Each item of {', '.join(lists)} is one too."
    doc = [first, ""] + [f"@param {n} {d}" for _, n, d in components]
    compact = record_body(fields, cls, 2, doc[2:])
    take = ["\n" if compact or reader.methods else "",
            "  /** Takes the result out of a finished future, copies it and frees the native result. */\n"
            f"  static {cls} take(SWIGTYPE_p_tinker_future future) {{\n"
            f"    {T}[] out = new {T}[1];\n"
            f"    TinkerRaw.{getter(f'tinker_future_take_{r.name}')}(future, out);\n"
            f"    {T} result = out[0];\n    try {{\n"
            f"      String[] json = new String[1];\n      TinkerRaw.{getter(f'tinker_{r.name}_to_json')}(result, json);\n"]
    take.append(jcall(f"return new {cls}", values, 6, ";") + "\n"
                f"    }} finally {{\n      TinkerRaw.{getter(f'tinker_{r.name}_free')}(result);\n    }}\n  }}\n}}\n")
    body = ("".join([javadoc(doc, 0), jcall(f"public record {cls}", [f"{t} {n}" for t, n, _ in components], 0, " {"),
                     "\n", compact]) + "".join(reader.methods) + "".join(take))
    return "".join([HEADER, "package dev.libtinker;\n\n", imports(used_imports(body)), body])


# ---- builders -------------------------------------------------------------------------------------

class BuilderField:
    """A builder field in Java: its type, name, default and the C setter's argument."""

    def __init__(self, f):
        self.f = f
        self.name = builder_field_name(f)
        self.const = "DEFAULT_" + f.name.removeprefix("enable_").upper()
        if f.type == "double" and f.arg == "seconds":
            self.type, self.arg = "Duration", "seconds({v})"
            self.default, self.words = duration_literal(f.default), f"{float(f.default):g} s"
        elif f.nullable:
            self.type = {"int32": "OptionalInt", "int64": "OptionalLong", "double": "OptionalDouble"}[f.type]
            self.arg = "{v}.getAs" + {"int32": "Int", "int64": "Long", "double": "Double"}[f.type] + "()"
            self.default, self.words, self.const = f"{self.type}.empty()", "none", None
        elif f.type == "bool":
            self.type, self.arg = "boolean", "{v} ? 1 : 0"
            self.default, self.words = ("true", "on") if f.default else ("false", "off")
        else:
            self.type, self.arg = {"int32": "int", "int64": "long", "double": "double"}[f.type], "{v}"
            value = f.default or 0
            self.default = repr(float(value)) if f.type == "double" else str(value) + ("L" if f.type == "int64" else "")
            self.words = f"{value:g}" if f.type == "double" else str(value)
        # The setter's parameter: the C setter's, whose name libtinker's range errors use; a Duration
        # (the C setter takes seconds) is named after the field, which a null one's exception names.
        self.param = self.name if self.type == "Duration" else f.arg
        self.value_type = {"OptionalInt": "int", "OptionalLong": "long", "OptionalDouble": "double"}.get(self.type, self.type)

    def doc(self):
        rule = gen_c.setter_check(self.f, self.f.arg)[1]
        return html(" ".join(x for x in (sentence(self.f.doc), sentence(rule) if rule else "", f"Default: {self.words}.") if x))

    def setter_value(self):
        if self.type.startswith("Optional"):
            return f"{self.type}.of({self.param})"
        if self.type == "Duration":
            return f"Objects.requireNonNull({self.param}, {jstr(self.param)})"
        return self.param


def duration_literal(seconds):
    nanos = round(float(seconds) * 1e9)
    for unit, per in (("Seconds", 10**9), ("Millis", 10**6), ("Nanos", 1)):
        if nanos % per == 0:
            return f"Duration.of{unit}({nanos // per})"


def gen_builder(b):
    cls = pascal(b.name)
    T = f"SWIGTYPE_p_tinker_{b.name}"
    setters = {name for _, name, _, _ in gen_c.builder_functions(b)}
    fields = [BuilderField(f) for f in MESSAGES[b.message].fields]
    names = []
    for x in fields:
        if x.type == "Duration":
            names.append("java.time.Duration")
        if x.type.startswith("Optional"):
            names.append(f"java.util.{x.type}")
    objects = [x for x in fields if not x.type[0].islower()]
    if objects:
        names.append("java.util.Objects")
    components = [f"{x.type} {x.name}" for x in fields]
    all_names = [x.name for x in fields]
    doc = ([f"{sentence(b.doc)} {{@code tinker_{b.name}_t}} as an immutable value whose defaults are the registry's "
            "(api/registry.py). Every value is checked by libtinker's setter whenever one is made (by "
            "{@link Builder#build} or the constructor): one out of range throws {@link TinkerException} "
            f"({{@link Status#INVALID_ARGUMENT}}) naming the builder method, e.g. \"{cls}.Builder.{fields[0].name}: ...\"."
            + (" Durations are sent as seconds." if any(x.type == "Duration" for x in fields) else ""), ""]
           + [f"@param {x.name} {x.doc()}" for x in fields])
    text = [HEADER, "package dev.libtinker;\n\n", imports(names), javadoc(doc, 0),
            jcall(f"public record {cls}", components, 0, " {") + "\n"]
    text += [f"  /** The default {x.name}: {x.words}. */\n  public static final {x.type} {x.const} = {x.default};\n"
             for x in fields if x.const]
    text.append("\n" + jcall(f"private static final {cls} DEFAULTS = new {cls}",
                             [x.const or x.default for x in fields], 2, ";") + "\n")
    checks = "".join(f"    Objects.requireNonNull({x.name}, {jstr(x.name)});\n" for x in objects)
    text.append("\n" + javadoc(["Checks every value with its C setter.", ""] + [f"@param {x.name} {x.doc()}" for x in fields], 2)
                + f"  public {cls} {{\n{checks}"
                "    try (NativeScope scope = new NativeScope()) {\n"
                + jcall("toNative", ["scope"] + all_names, 6, ";") + "\n    }\n  }\n")
    first = fields[0]
    text.append("\n" + javadoc(["The registry's defaults.", "", "@return the value with every default"], 2)
                + f"  public static {cls} defaults() {{\n    return DEFAULTS;\n  }}\n\n"
                + javadoc([f"The defaults with another {first.name}.", "", f"@param {first.param} {first.doc()}",
                           f"@return the value; throws {{@link TinkerException}} for one libtinker refuses"], 2)
                + f"  public static {cls} with{first.name[0].upper() + first.name[1:]}({first.value_type} {first.param}) {{\n"
                f"    return builder().{first.name}({first.param}).build();\n  }}\n"
                "\n  /**\n   * A builder starting from the defaults.\n   *\n   * @return a new builder\n   */\n"
                "  public static Builder builder() {\n    return new Builder(DEFAULTS);\n  }\n"
                "\n  /**\n   * A builder starting from these values.\n   *\n   * @return a new builder\n   */\n"
                "  public Builder toBuilder() {\n"
                "    return new Builder(this);\n  }\n")
    text.append("\n  /** Sets values one by one; {@link #build} checks them. */\n  public static final class Builder {\n")
    text += [f"    private {x.type} {x.name};\n" for x in fields]
    text.append(f"\n    private Builder({cls} from) {{\n" + "".join(f"      {n} = from.{n};\n" for n in all_names) + "    }\n")
    for x in fields:
        text.append("\n" + javadoc([x.doc(), "", f"@param {x.param} the value", "@return this builder"], 4)
                    + f"    public Builder {x.name}({x.value_type} {x.param}) {{\n"
                      f"      this.{x.name} = {x.setter_value()};\n      return this;\n    }}\n")
    text.append("\n" + javadoc(["The value; throws {@link TinkerException} for one libtinker refuses.", "",
                                 "@return the value"], 4)
                + 
                f"    public {cls} build() {{\n" + jcall(f"return new {cls}", all_names, 6, ";") + "\n    }\n  }\n")
    text.append(f"\n  /** The C {b.name}, owned by the scope. */\n  {T} toNative(NativeScope scope) {{\n"
                + jcall("return toNative", ["scope"] + all_names, 4, ";") + "\n  }\n"
                f"\n  /** The C {b.name} of a call's argument: null (libtinker's defaults) for none. */\n"
                f"  static {T} toNative({cls} value, NativeScope scope) {{\n"
                "    return value == null ? null : value.toNative(scope);\n  }\n")
    sets = []
    for x in fields:
        setter = f"tinker_{b.name}_set_{x.f.name}"
        assert setter in setters, setter
        call = f"TinkerRaw.{setter}({b.param}, {x.arg.format(v=x.name)});"
        sets.append(f"    if ({x.name}.isPresent()) {{\n      {call}\n    }}\n" if x.type.startswith("Optional")
                    else f"    {call}\n")
    text.append("\n" + jcall(f"private static {T} toNative", ["NativeScope scope"] + components, 2, " {") + "\n"
                f"    {T}[] out = new {T}[1];\n    TinkerRaw.tinker_{b.name}_new(out);\n"
                f"    {T} {b.param} = scope.own(out, TinkerRaw::tinker_{b.name}_free);\n{''.join(sets)}"
                f"    return {b.param};\n  }}\n")
    if any(x.type == "Duration" for x in fields):
        text.append("\n  private static double seconds(Duration d) {\n    return d.getSeconds() + d.getNano() / 1e9;\n  }\n")
    text.append("}\n")
    return "".join(text)


# ---- outputs ----------------------------------------------------------------------------------------

def _outputs():
    outputs = {f"{DIR}/CFunctionNames.java": gen_c_function_names}
    # Every client with a Java class, operations or not yet (the class extends its Operations).
    clients = (["service_client"] + [r.handle for r in registry.RESULTS if r.handle and r.handle not in NOT_CLIENTS]
               + [op.client for op in registry.OPS])
    for client in dict.fromkeys(clients):
        outputs[f"{DIR}/{pascal(client)}Operations.java"] = lambda c=client: gen_client_operations(c)
    for r in registry.RESULTS:
        if r.message and not r.handwritten and not r.handle:
            outputs[f"{DIR}/{pascal(r.name)}.java"] = lambda r=r: gen_result(r)
    for b in registry.BUILDERS:
        outputs[f"{DIR}/{pascal(b.name)}.java"] = lambda b=b: gen_builder(b)
    return outputs


OUTPUTS = _outputs()
