"""The Go layer's share of the registry: every operation's two methods, the result and builder value
types, the options, and the Go names that errors use instead of C function names. Written into
BUILD/generated/bindings/go/tinker/ and copied into the module by bindings/CMakeLists.txt.

This file is the Go spelling of the registry: names (snake_case to CamelCase, with Go's
initialisms for fields), the Go type of each parameter kind (kinds.py) and field type (model.py),
and how each becomes its C argument. What needs more than a conversion stays hand-written in
bindings/go/tinker and is called by name: the custom loss run by a worker goroutine (an operation
with a `custom_loss_fn` parameter is the hand-written method of the same unexported name), the
client handles (reached through each client's native(), nil for a zero-value or nil client, whose
methods then fail instead of panicking), the forward/backward output, the sample response and the prompt logprobs
(take<Result>), the batch, loss-function config, metadata, model input, sampling parameters and
custom-loss step conversions (newCBatch, newCLossFnConfig, newCMetadata, newCModelInput,
newCSamplingParams, CustomLossStep.borrow), the small checks of the REST client's arguments
(cString for ids and paths, intOr for the page options, ttlArg for R15's positional TTL,
timestampArg for R22's times), and the readers of result fields that are more than a value
(readMetrics, readStringMap, optionalBool, setItemJSON for the JSON of a list's items).

The output is gofmt-clean (a test in the package checks it): no aligned columns except the keys of
the default literals, which are padded as gofmt pads them.
"""

import re
from dataclasses import dataclass
from typing import Optional

import gen_c
import kinds
import registry
from model import with_method_names

HEADER = "// Code generated from api/registry.py by api/gen_go.py. DO NOT EDIT.\n\n"
PACKAGE = "package tinker\n"
OUT = "bindings/go/tinker/"

MESSAGES = {m.name: m for m in registry.MESSAGES}
RESULTS = {r.name: r for r in registry.RESULTS}

CLASS = {"service_client": "ServiceClient", "training_client": "TrainingClient",
         "sampling_client": "SamplingClient", "rest_client": "RestClient"}
RECEIVER = {"service_client": "c", "training_client": "t", "sampling_client": "sc", "rest_client": "rc"}
# Names the generated method bodies use themselves; a parameter may not take one.
RESERVED = {"ctx", "method", "opts", "o", "err", "p", "out", "c", "t", "sc", "rc"}
GO_KEYWORDS = {"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
               "for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
               "return", "select", "struct", "switch", "type", "var"}

# Field names follow Go's initialisms (ModelID, IsLoRA, TrainMLP, UserURN), and so do parameter names
# after their first word (trainingRunID); type and method names are plain CamelCase, as the layer has
# always spelled them (LoraConfig, CreateLoraTrainingClient, SetCheckpointTtlFromTinkerPath), which is
# also the name api/check_bindings.py looks for.
INITIALISMS = {"id": "ID", "ids": "IDs", "json": "JSON", "lora": "LoRA", "mlp": "MLP", "ttl": "TTL", "url": "URL", "urn": "URN"}


def camel(snake):
    return "".join(p.capitalize() for p in snake.split("_"))


def field_name(snake):
    return "".join(INITIALISMS.get(p, p.capitalize()) for p in snake.split("_"))


def lower_first(name):
    return name[0].lower() + name[1:]


def local_name(snake):
    first, *rest = snake.split("_")
    name = first + "".join(INITIALISMS.get(p, p.capitalize()) for p in rest)
    if name in GO_KEYWORDS or name in RESERVED:
        raise ValueError(f"gen_go: parameter {snake!r} would shadow a name the generated code uses")
    return name


def go_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def raw_fn(c_name):
    """The raw (SWIG) package's name of a C function or type: tinker_x → raw.Tinker_x."""
    return "raw.T" + c_name[1:]


def raw_type(c_type):
    """tinker_save_result_t → raw.Tinker_save_result."""
    return raw_fn(c_type[:-2])


def raw_wrap(c_type):
    return "raw.SwigcptrT" + c_type[1:-2]


def comment(text, indent=""):
    """A // comment, wrapped at 100 columns."""
    lines, line = [], ""
    for word in text.split():
        if line and len(indent) + 3 + len(line) + 1 + len(word) > 100:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "".join(f"{indent}// {l}\n" for l in lines)


def imports(body, *candidates):
    """The import block of the candidates `body` uses: the standard library's, then the module's."""
    used = [c for c in candidates if c.split("/")[-1] + "." in body]
    groups = [sorted(c for c in used if "." not in c.split("/")[0]), sorted(c for c in used if "." in c.split("/")[0])]
    specs = "\n".join("".join(f"\t{go_string(c)}\n" for c in g) for g in groups if g)
    return f"import (\n{specs})\n\n" if used else ""


def gofile(doc, body, *candidates):
    return HEADER + comment(doc) + "\n" + PACKAGE + "\n" + imports(body, *candidates) + body.lstrip("\n")


# ---- parameter kinds ----------------------------------------------------------------------------

@dataclass
class GoKind:
    go: str                         # a positional parameter's Go type, or the option's value type
    option: Optional[str] = None    # None: positional; "" = "With" + the parameter's name; else the name
    setting: Optional[str] = None   # options: the settings field's type (default `go`)
    set: str = "o.{f} = {a}"        # options: what WithX({a}) records in the settings `o`
    option_arg: Optional[str] = None  # options: WithX's parameter name (default: the parameter's);
                                    # "" = WithX takes none
    pre: str = ""                   # statements making {c} from {v} (:=, with err); err ends the call;
                                    # {n} is the C parameter's name as a Go string literal
    free: str = ""                  # deferred release of {c}
    arg: str = "{v}"                # the C argument ({v} the Go value, {c} what `pre` made)
    helper: bool = False            # the operation is the hand-written method lowerCamel(op name)
    default: Optional[str] = None   # options: the value left out, {d} in `arg`; an operation's
                                    # Param.default replaces it (R17's limit is 20, R6's 100)


GO_KINDS = {
    "string": GoKind("string"),
    "string?": GoKind("string", option=""),  # "" is NULL: libtinker treats both alike
    "name": GoKind("string"),
    "tinker_path": GoKind("string"),
    # The REST client's names of what it deletes, publishes or changes. A Go string may hold a NUL
    # byte, which would cut the C string short and name another checkpoint: refused first.
    "id": GoKind("string", pre="{c}, err := cString({v}, {n})", arg="{c}"),
    "checkpoint_id": GoKind("string", pre="{c}, err := cString({v}, {n})", arg="{c}"),
    "checkpoint_path": GoKind("string", pre="{c}, err := cString({v}, {n})", arg="{c}"),
    # "" is "owned", the official default. Checked for a NUL byte like the ids: "owned\x00x" would
    # otherwise reach C as "owned".
    "access_scope": GoKind("string", option="", pre="{c}, err := cString({v}, {n})", arg="{c}"),
    # The audit log's filters: "" is every event type (AuditEventAll) and every day. The day stays
    # C's "YYYY-MM-DD" (Go has no date type, and a time.Time's day depends on its zone); libtinker
    # checks both before sending.
    "audit_event_type": GoKind("string", option="WithEventType", pre="{c}, err := cString({v}, {n})", arg="{c}"),
    "day?": GoKind("string", option="WithDay", pre="{c}, err := cString({v}, {n})", arg="{c}"),
    # An instant, sent as RFC 3339 in UTC ("2026-12-01T00:00:00Z"); the zero time.Time is refused
    # (an unset time, not a request for year 1).
    "timestamp": GoKind("time.Time", pre="{c}, err := timestampArg({v}, {n})", arg="{c}"),
    # A page of a list: optional, as in the official client, whose defaults the options stand in
    # for (limit 100 unless the operation says otherwise, offset 0); C has no defaults (both are
    # required there). A value given is passed as it is, so WithLimit(0) is refused by libtinker
    # like any out-of-range value.
    "limit": GoKind("int", option="", setting="*int", set="o.{f} = &{a}", arg="intOr({v}, {d})", default="100"),
    "offset": GoKind("int", option="", setting="*int", set="o.{f} = &{a}", arg="intOr({v}, {d})", default="0"),
    "ttl": GoKind("time.Duration", option="WithTTL", option_arg="d", pre="{c}, err := ttlSeconds({v})", arg="{c}"),
    "flag": GoKind("bool", option="", option_arg="", set="o.{f} = true", arg="boolInt({v})"),
    "batch": GoKind("[]Datum", pre="{c}, err := newCBatch({v})", free="raw.Tinker_batch_free({c})", arg="{c}"),
    "loss_fn_config?": GoKind("LossFnConfig", pre="{c}, err := newCLossFnConfig({v})",
                              free="raw.Tinker_loss_fn_config_free({c})", arg="{c}"),
    "adam_params?": GoKind("AdamParams", pre="{c}, err := newCAdamParams(&{v})",
                           free="raw.Tinker_adam_params_free({c})", arg="{c}"),
    "lora_config?": GoKind("LoraConfig", option="WithLora", setting="*LoraConfig", set="o.{f} = &{a}",
                           pre="{c}, err := newCLoraConfig({v})", free="raw.Tinker_lora_config_free({c})", arg="{c}"),
    "metadata?": GoKind("map[string]string", option="WithRunMetadata", option_arg="m",
                        set="if o.{f} == nil {{\n\t\t\to.{f} = map[string]string{{}}\n\t\t}}\n"
                            "\t\tfor k, v := range {a} {{\n\t\t\to.{f}[k] = v\n\t\t}}",
                        pre="{c}, err := newCMetadata({v})", free="raw.Tinker_metadata_free({c})", arg="{c}"),
    "retry_config?": GoKind("RetryConfig", option="WithRetryConfig", setting="*RetryConfig", set="o.{f} = &{a}",
                            pre="{c}, err := newCRetryConfig({v})", free="raw.Tinker_retry_config_free({c})", arg="{c}"),
    # Sampling. An absent model path is "": the raw layer cannot pass a NULL string, and libtinker
    # takes "" for none, as for "string?".
    "tinker_path?": GoKind("string", option=""),
    "count": GoKind("int", arg="int64({v})"),
    "topk": GoKind("int", option="", option_arg="k", arg="int64({v})"),
    "model_input": GoKind("ModelInput", pre="{c}, err := newCModelInput({v})", free="raw.Tinker_model_input_free({c})",
                          arg="{c}"),
    # Positional like AdamParams: the caller passes DefaultSamplingParams() or a changed copy.
    "sampling_params?": GoKind("SamplingParams", pre="{c}, err := newCSamplingParams(&{v})",
                               free="raw.Tinker_sampling_params_free({c})", arg="{c}"),
    "custom_loss_fn": GoKind("CustomLossFunc", helper=True),
    "custom_loss_step": GoKind("*CustomLossStep", pre="{c}, err := {v}.borrow()", free="{v}.release()", arg="{c}"),
}
assert set(GO_KINDS) == set(kinds.KINDS), "gen_go: every parameter kind needs its Go form"

# Parameters that one operation takes in another form than their kind's, by (operation name,
# parameter name): (the Go parameter's name, its GoKind). R15 exists to set a TTL, so the TTL is
# positional there rather than the optional WithTTL of the saves (which would make "no option"
# mean "remove the TTL").
GO_PARAMS = {
    ("set_checkpoint_ttl_from_tinker_path", "ttl_seconds"):
        ("ttl", GoKind("time.Duration", pre="{c}, err := ttlArg({v})", arg="{c}")),
    # Go's initialism (WithProjectID, not WithProjectId); a project id is checked for a NUL byte
    # like the other ids.
    ("list_training_runs", "project_id"):
        ("projectID", GoKind("string", option="WithProjectID", pre="{c}, err := cString({v}, {n})", arg="{c}")),
}


def go_kind(op, p):
    return GO_PARAMS[(op.name, p.name)][1] if (op.name, p.name) in GO_PARAMS else GO_KINDS[p.kind]


def go_local(op, p):
    return GO_PARAMS[(op.name, p.name)][0] if (op.name, p.name) in GO_PARAMS else local_name(p.name)

# What each option does, in Go's words (the registry's parameters carry no docs yet); the list of
# methods that take it is added from the registry.
OPTION_DOCS = {
    "WithLora": "sets the adapter of a new training run (default: DefaultLoraConfig()).",
    "WithRunMetadata": "attaches user metadata to a new training run. Repeated options merge; later values win.",
    "WithBaseModel": "names the base model: for CreateTrainingClientFromState[WithOptimizer] it overrides the "
                     "checkpoint's; for CreateSamplingClient it is the model to sample, or, with WithModelPath, the "
                     "base model the server checks the checkpoint against.",
    "WithModelPath": "makes a new sampling client sample a checkpoint (a tinker:// path, e.g. "
                     "SaveResult.Path of SaveWeightsForSampler) instead of a base model. CreateSamplingClient needs "
                     "WithModelPath or WithBaseModel.",
    "WithIncludePromptLogprobs": "asks for the prompt's logprobs as well (SampleResponse.PromptLogprobs).",
    "WithTopkPromptLogprobs": "asks for the k most likely tokens at each prompt position as well "
                              "(SampleResponse.TopkPromptLogprobs); k must not be negative, 0 means none.",
    "WithWeightsAccessToken": "lets another account's credential authorise reading a checkpoint.",
    "WithTTL": "makes a saved checkpoint expire after d, rounded up to whole seconds (default: never). "
               "d must not be negative.",
    "WithOverwrite": "replaces a training checkpoint of the same name (without it, a name in use fails with "
                     "StatusAlreadyExists).",
    "WithRetryConfig": "sets the retry settings of a new sampling client (default: libtinker's, "
                       "DefaultRetryConfig()). A value out of range fails the call with StatusInvalidArgument "
                       "naming the field, before anything is sent.",
    "WithLimit": "sets the size of the page to list (the official client's default, per method below); it "
                 "must be at least 1. RestClient.AllUserCheckpoints and RestClient.AllTrainingRuns page through "
                 "everything.",
    "WithOffset": "sets how many entries to skip before the page; it must not be negative.",
    "WithAccessScope": "chooses whose sessions or training runs: AccessScopeOwned (\"owned\", the caller's; also "
                       "\"\", the default) or AccessScopeAccessible (\"accessible\": also those shared with the "
                       "caller); RestClient.AllTrainingRuns takes it too. Anything else fails with "
                       "StatusInvalidArgument before anything is sent.",
    "WithProjectID": "lists only the training runs of one project (default: every project's); "
                     "RestClient.AllTrainingRuns takes it too.",
    "WithEventType": "chooses the audit entries: AuditEventAll (\"all\", also \"\", the default) or "
                     "AuditEventCheckpoints (\"checkpoints\": checkpoint events only). Anything else fails with "
                     "StatusInvalidArgument before anything is sent.",
    "WithDay": "keeps the audit entries of one UTC day, written \"YYYY-MM-DD\" (t.UTC().Format(\"2006-01-02\") for "
               "a time.Time t); default: every day. Another form, or a day that does not exist, fails with "
               "StatusInvalidArgument before anything is sent.",
}

# What the Go methods add to an operation's registry doc (api/registry.py, Op.doc), by operation name, or
# by id where two clients have an operation of the same name.
GO_NOTES = {
    "forward": "config may be nil.",
    "forward_backward": "config may be nil.",
    "forward_backward_custom": "A worker goroutine waits for the forward pass, runs lossFn, sends the backward "
                               "pass and waits for it, without anyone waiting (see CustomLossFunc). The future "
                               "reports the whole call. Cancel before the backward pass was sent means it is "
                               "never sent. The backward pass takes the run's next seq_id when it is sent, after "
                               "lossFn returned: wait for this call before an OptimStep that must see its "
                               "gradients.",
    "forward_backward_custom_finish": "The Async form copies the step, so it may be closed at once.",
    "S5": "Give WithModelPath, WithBaseModel or both.",
    "sample": "WithIncludePromptLogprobs and WithTopkPromptLogprobs(k) ask for the extras. A params value out "
              "of range fails the call with StatusInvalidArgument naming the field, before anything is sent. Any "
              "number of goroutines may sample at once: at most RetryConfig.MaxConnections samples of one client "
              "are in flight and the others wait their turn; an attempt the server lost is sent again (tinker.h, "
              "\"How a sample call behaves\").",
    "compute_logprobs": "PromptLogprobs.Defined says which positions have one.",
    "list_checkpoints": "trainingRunID is the run's TrainingClient.ModelID().",
    "delete_checkpoint": "checkpointID is \"weights/<name>\" or \"sampler_weights/<name>\" (Checkpoint.CheckpointID, "
                         "TinkerPath.CheckpointID); anything else fails with StatusInvalidArgument before anything "
                         "is sent.",
    "publish_checkpoint": "That failure is StatusAlreadyExists. checkpointID is as for DeleteCheckpoint.",
    "publish_checkpoint_from_tinker_path": "Publishing a public checkpoint fails with StatusAlreadyExists.",
    "unpublish_checkpoint": "That failure is StatusAlreadyExists. checkpointID is as for DeleteCheckpoint.",
    "unpublish_checkpoint_from_tinker_path": "Unpublishing a private checkpoint fails with StatusAlreadyExists.",
    "list_user_checkpoints": "WithLimit and WithOffset choose the page. CheckpointList.TotalCount says how "
                             "many there are in all; AllUserCheckpoints iterates over all of them.",
    "set_checkpoint_ttl_from_tinker_path": "ttl is rounded up to whole seconds; a negative ttl fails with "
                                           "StatusInvalidArgument before anything is sent.",
    "get_sampler": "samplerID is a SamplingClient.SamplingSessionID().",
    "get_weights_info_by_tinker_path": "The checkpoint may be another user's public one. tinkerPath is a "
                                       "checkpoint's tinker:// path (SaveResult.Path); a malformed one fails "
                                       "with StatusInvalidArgument before anything is sent. The Train* fields "
                                       "are nil when the server did not say.",
    "get_session": "sessionID is a ServiceClient.SessionID(). An unknown session, or another user's without "
                   "WithAccessScope(AccessScopeAccessible), fails with StatusNotFound.",
    "assign_session_project": "sessionID is a ServiceClient.SessionID().",
    "get_training_run": "trainingRunID is a TrainingClient.ModelID(). An unknown run, or another user's that "
                        "the scope does not reach, fails with StatusNotFound. TrainingRun.LastCheckpoint and "
                        "LastSamplerCheckpoint are nil when the run has no such checkpoint.",
    "get_training_run_by_tinker_path": "tinkerPath is a checkpoint's tinker:// path (SaveResult.Path); a malformed "
                                       "one fails with StatusInvalidArgument before anything is sent.",
    "list_training_runs": "WithLimit and WithOffset choose the page. TrainingRunList.TotalCount says how many "
                          "there are in all; AllTrainingRuns iterates over all of them.",
    "get_checkpoint_archive_url": "checkpointID is as for DeleteCheckpoint. Fetch CheckpointArchiveUrl.URL with "
                                  "any HTTP client (it needs no API key) before CheckpointArchiveUrl.Expires.",
    "get_checkpoint_archive_url_from_tinker_path": "A malformed tinkerPath fails with StatusInvalidArgument before "
                                                   "anything is sent.",
    "export_session_trace": "sessionID is a ServiceClient.SessionID(); ctx bounds the wait.",
    "get_audit_log": "WithEventType and WithDay choose the entries; a value they do not allow fails with "
                     "StatusInvalidArgument before anything is sent. A server that keeps the log for "
                     "administrators refuses others with StatusPermissionDenied.",
    "get_tokenizer": "The Hub is chosen by NewServiceClient's options (WithHubEndpoint, WithHubToken, WithHubCacheDir, "
                     "WithHubOffline; the HF_* environment by default). The Tokenizer is the caller's: Close it; it "
                     "does not depend on the client, which may be closed first.",
    "get_billing_usage": "startingOn and endingBefore are sent in UTC (RFC 3339, e.g. \"2026-12-01T00:00:00Z\"); "
                         "the zero time.Time fails with StatusInvalidArgument before anything is sent, and so "
                         "does a year RFC 3339 cannot write. The server's own rules (whole hours, the window, no "
                         "future time) are its StatusInvalidArgument.",
}

# The C client options the registry's docs name, as the Go options that set them (options.go).
GO_CLIENT_OPTIONS = {
    "tinker_client_options_set_archive_retry": "WithArchiveRetry",
    "tinker_client_options_set_trace_poll_interval_ms": "WithTracePollInterval",
    "tinker_client_options_set_hub_endpoint": "WithHubEndpoint",
    "tinker_client_options_set_hub_token": "WithHubToken",
    "tinker_client_options_set_hub_cache_dir": "WithHubCacheDir",
    "tinker_client_options_set_hub_offline": "WithHubOffline",
}


def go_client_options(text):
    return re.sub(r"\b(" + "|".join(GO_CLIENT_OPTIONS) + r")\b", lambda m: GO_CLIENT_OPTIONS[m.group(1)], text)

# libtinker's status names in the registry's docs ("fails with ALREADY_EXISTS"), as the Go constants.
STATUSES = ["CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
            "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
            "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED", "REQUEST_FAILED"]


def go_statuses(text):
    return re.sub(r"\b(?:TINKER_E_)?(" + "|".join(STATUSES) + r")\b", lambda m: "Status" + camel(m.group(1).lower()),
                  text)


def go_default(p, k):
    """The value of an option left out: the operation's own default, else its kind's."""
    return str(p.default) if p.default is not None else k.default


def option_name(op, p):
    k = go_kind(op, p)
    return k.option or "With" + camel(p.name)


def setting_field(opt):
    """The settings field of an option: WithRetryConfig → retryConfig, WithTTL → ttl."""
    name = opt[len("With"):]
    return name.lower() if name.isupper() else lower_first(name)


def options():
    """{option name: (kind, first parameter, [the Go methods taking it])}, in registry order."""
    out = {}
    for op in registry.OPS:
        for p in op.params:
            k = go_kind(op, p)
            if k.option is None:
                continue
            name = option_name(op, p)
            if name in out and out[name][0] is not k:
                raise ValueError(f"gen_go: option {name} stands for two kinds")
            taker = f"{CLASS[op.client]}.{camel(op.name)}"
            if k.default is not None:
                taker += f" (default {go_default(p, k)})"  # the default differs between methods
            out.setdefault(name, (k, p, []))[2].append(taker)
    return out


# ---- results ----------------------------------------------------------------------------------

# The Go value types of the results. A result with a message is a struct of the message's fields
# plus JSON; a message that a field holds (the items of a "list:" or "keyed:" field, a nullable
# "object:") is a struct of its own, made once however many fields hold it (Checkpoint: the items
# of CheckpointList, TrainingRun.LastCheckpoint and .LastSamplerCheckpoint). A message that is a
# result and also the items of another (TrainingRun, in TrainingRunList) is one type, the result's,
# whose JSON the list fills from its own.

RESULT_OF_MESSAGE = {r.message: r for r in registry.RESULTS if r.message}


def result_type(result):
    """The Go type an operation's future yields (None: no result)."""
    if result is None:
        return "struct{}"
    r = RESULTS[result]
    return "string" if r.text else "*" + camel(r.handle or r.name)


def take_fn(result):
    return "takeNothing" if result is None else "take" + camel(RESULTS[result].name)


def type_name(message):
    """The Go type of a message's values: its result's name when it is a result's, else its own."""
    r = RESULT_OF_MESSAGE.get(message)
    return camel(r.name) if r else message


def value_fields(msg):
    """A message's fields that have a Go field (internal ones travel on the wire only)."""
    return [f for f in msg.fields if not f.internal]


def holds(f):
    """The message a field holds, or None for the scalar types."""
    return f.target() if f.is_list() or f.is_keyed() or f.is_object() else None


def field_go_type(f):
    if f.is_list() or f.is_keyed():
        return "[]" + type_name(f.target())
    if f.is_object():
        assert f.nullable, f"gen_go: {f.name}: a nested object is read through getters only when nullable"
        return "*" + type_name(f.target())  # nil: absent
    if f.type == "bool" and f.nullable:
        return "*bool"  # nil: the server did not say
    return {"string": "string", "bool": "bool", "int32": "int32", "int64": "int64", "double": "float64",
            "metrics": "map[string]float64", "strings": "[]string", "string_map": "map[string]string"}[f.type]


def getter_value(f, call):
    """The Go value of a scalar field from its C getter's call."""
    if f.type == "bool" and f.nullable:
        return f"optionalBool({call})"
    return {"string": call, "bool": f"{call} != 0", "int32": f"int32({call})", "int64": call, "double": call,
            "metrics": f"readMetrics({call})", "string_map": f"readStringMap({call})"}[f.type]


def sentence(text):
    return text if text[-1:] in (".", "!", "?") else text + "."


def go_doc(f):
    """A field's registry doc in Go's words: NULL getters give "", flags are bools, an absent
    nested object is nil, a string map has no order."""
    doc = f.doc.replace("NULL", '""')
    if f.type == "bool" and f.nullable:
        # C's -1/0/1 is Go's nil/false/true.
        doc = re.sub(r"-1 (when|for)\b", r"nil \1", doc.removeprefix("1 or 0: "))
    elif f.type == "bool" and doc.startswith("1 "):
        doc = "true " + doc[len("1 "):]
    elif f.is_object():
        # C flattens it into getters that give NULL or -1 when it is absent; Go has a nil pointer.
        doc = re.sub(r"its getters give .*? when", "nil when", doc)
    elif f.type == "string_map":
        doc = re.sub(r",? in key order", "", doc)  # a Go map has none
    return sentence(doc)


def result_ops(r):
    return [f"{CLASS[op.client]}.{camel(op.name)}" for op in registry.OPS if op.result == r.name]


def held_messages():
    """{message: [(its holder's Go type, the field)]}: the messages that fields of results hold,
    and where, in the order the results first reach them."""
    uses = {}

    def walk(msg):
        for f in value_fields(msg):
            target = holds(f)
            if target is None:
                continue
            first = target not in uses
            use = (type_name(msg.name), f)
            if use not in uses.setdefault(target, []):
                uses[target].append(use)
            if first:
                walk(MESSAGES[target])

    for r in registry.RESULTS:
        if r.message:
            walk(MESSAGES[r.message])
    return uses


def or_list(items, word="or"):
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def and_list(items):
    return or_list(items, "and")


def struct_doc(message, uses):
    name = type_name(message)
    parts = []
    r = RESULT_OF_MESSAGE.get(message)
    if r:
        parts.append(f"the result of {', '.join(result_ops(r))} ({r.doc})")
    held = uses.get(message, [])
    items = [f"{owner}.{field_name(f.name)}" for owner, f in held if f.is_list() or f.is_keyed()]
    objects = [f"{owner}.{field_name(f.name)}" for owner, f in held if f.is_object()]
    if items:
        parts.append("one of " + or_list(items))
    if objects:
        parts.append("what " + and_list(objects) + (" points" if len(objects) == 1 else " point") + " to")
    return comment(f"{name} is {', and '.join(parts)}.")


def go_struct(message, uses):
    msg = MESSAGES[message]
    name = type_name(message)
    if message in RESULT_OF_MESSAGE:
        assert all(f.name != "json" for f in msg.fields), "gen_go: a result field named json hides the JSON field"
    out = ["\n" + struct_doc(message, uses), f"type {name} struct {{\n"]
    for f in value_fields(msg):
        if f.doc:
            out.append(comment(f"{field_name(f.name)}: {go_doc(f)}", "\t"))
        out.append(f"\t{field_name(f.name)} {field_go_type(f)}\n")
    if message in RESULT_OF_MESSAGE:
        lists = [f"{owner}.{field_name(f.name)}" for owner, f in uses.get(message, [])]
        where = f" (in {or_list(lists)}: its part of the list's JSON)" if lists else ""
        out.append(comment(f"JSON is the result as the server sends it, for logging{where}.", "\t"))
        out.append("\tJSON string\n")
    out.append("}\n")
    return "".join(out)


def read_fields(msg, prefix, args, target, getter, depth=0):
    """Lines (without indentation) that read every field of `msg` into `target` through the C
    getters named `prefix` + the field's name, called with `args`."""
    lines = []
    for f in value_fields(msg):
        name = field_name(f.name)
        if f.is_list() or f.is_keyed() or f.type == "strings":
            assert args == "(r)", f"gen_go: {f.name}: C has no getters for a list inside a list item"
            count = getter(f"{prefix}{f.item}_count")
            if f.type == "strings":
                lines += [f"{target}.{name} = []string{{}}",
                          f"for i := int64(0); i < {count}(r); i++ {{",
                          f"\t{target}.{name} = append({target}.{name}, {getter(prefix + f.item)}(r, i))", "}"]
                continue
            lines += [f"for i := int64(0); i < {count}(r); i++ {{", f"\tvar e {type_name(f.target())}"]
            lines += ["\t" + l for l in read_fields(MESSAGES[f.target()], f"{prefix}{f.item}_", "(r, i)", "e", getter,
                                                    depth + 1)]
            lines += [f"\t{target}.{name} = append({target}.{name}, e)", "}"]
        elif f.is_object():
            # Flattened in C: one getter per field of the object, NULL / -1 / 0 when it is absent.
            # A present one has its required strings (decoding insists), so all of them empty is
            # absence.
            sub = MESSAGES[f.target()]
            required = [field_name(s.name) for s in value_fields(sub) if s.required and s.type == "string"]
            assert required, f"gen_go: {f.name}: absence is told by a required string field of {sub.name}"
            v = "o" if depth == 0 else f"o{depth}"
            lines += ["{", f"\tvar {v} {type_name(sub.name)}"]
            lines += ["\t" + l for l in read_fields(sub, f"{prefix}{f.name}_", args, v, getter, depth + 1)]
            lines += [f"\tif {' || '.join(f'{v}.{s} != {chr(34) * 2}' for s in required)} {{",
                      f"\t\t{target}.{name} = &{v}", "\t}", "}"]
        else:
            lines.append(f"{target}.{name} = {getter_value(f, getter(prefix + f.name) + args)}")
    return lines


def gen_results():
    uses = held_messages()
    out = []
    done = set()

    def types(message):
        """The struct of `message`, then those of the messages its fields hold, each once."""
        if message in done:
            return
        done.add(message)
        out.append(go_struct(message, uses))
        for f in value_fields(MESSAGES[message]):
            if holds(f):
                types(holds(f))

    for r in registry.RESULTS:
        if r.text:
            out.append(f"\n// take{camel(r.name)} takes the string a finished future holds ({r.doc}).\n"
                       f"func take{camel(r.name)}(f raw.Tinker_future) (string, error) {{\n\tvar s string\n"
                       f"\tif err := {raw_fn(f'tinker_future_take_{r.name}')}(f, &s); err != nil {{\n"
                       f"\t\treturn \"\", fromRaw(err)\n\t}}\n\treturn s, nil\n}}\n")
        if not r.message:
            continue  # handles (the clients' take in their files, the tokenizer's in tokenizer_get.go) and the
            # hand-written results (training_results.go, custom_loss_step.go)
        name = camel(r.name)
        assert type_name(r.message) == name, f"gen_go: two results share {r.message}"
        T = f"tinker_{r.name}_t"
        c_functions = {fn for _, fn, _, _ in gen_c.result_functions(r)}

        def getter(c_name):
            assert c_name in c_functions, f"gen_go: {c_name} is not a getter gen_c makes"
            return raw_fn(c_name)

        types(r.message)
        msg = MESSAGES[r.message]
        out.append(f"\nfunc read{name}(r {raw_type(T)}) (*{name}, error) {{\n\tout := &{name}{{}}\n")
        out.append("".join(f"\t{l}\n" for l in read_fields(msg, f"tinker_{r.name}_", "(r)", "out", getter)))
        out.append(f"\tif err := {getter(f'tinker_{r.name}_to_json')}(r, &out.JSON); err != nil {{\n"
                   f"\t\treturn nil, fromRaw(err)\n\t}}\n")
        # Items that are results too have a JSON of their own: their part of the whole's.
        for f in value_fields(msg):
            if f.is_list() and f.target() in RESULT_OF_MESSAGE:
                fn = field_name(f.name)
                out.append(f"\tif err := setItemJSON(out.JSON, {go_string(f.paths()[0])}, len(out.{fn}), "
                           f"func(i int, s string) {{\n\t\tout.{fn}[i].JSON = s\n\t}}); err != nil {{\n"
                           f"\t\treturn nil, err\n\t}}\n")
            else:
                assert not (f.is_keyed() and f.target() in RESULT_OF_MESSAGE), \
                    f"gen_go: {f.name}: keyed items that are results have no JSON of their own yet"
        out.append("\treturn out, nil\n}\n")
        out.append(f"\nvar take{name} = copied({getter(f'tinker_future_take_{r.name}')},\n"
                   f"\tfunc(p uintptr) {raw_type(T)} {{ return {raw_wrap(T)}(p) }},\n"
                   f"\t{getter(f'tinker_{r.name}_free')}, read{name})\n")
    return gofile("The registry's results with a message, copied into Go values: each is read through its C "
                  "getters and the native result is freed at once (copied, training_results.go); and the "
                  "takes of its string results.",
                  "".join(out), "libtinker.dev/tinker/internal/raw")


# ---- builders ---------------------------------------------------------------------------------

def is_duration(f):
    return f.type == "double" and f.arg == "seconds"


def builder_field_type(f):
    if is_duration(f):
        return "time.Duration"
    t = field_go_type(f)
    return "*" + t if f.nullable else t


def go_duration(seconds):
    ns = round(seconds * 1e9)
    if ns == 0:
        return "0"
    for unit, size in (("time.Hour", 3600 * 10**9), ("time.Minute", 60 * 10**9), ("time.Second", 10**9),
                       ("time.Millisecond", 10**6), ("time.Microsecond", 10**3)):
        if ns % size == 0:
            n = ns // size
            return unit if n == 1 else f"{n} * {unit}"
    return f"{ns} * time.Nanosecond"


def go_literal(f, value):
    if is_duration(f):
        return go_duration(value)
    if f.type == "bool":
        return "true" if value else "false"
    if f.type == "double":
        return repr(float(value))
    return str(value)


def setter_arg(f, v):
    if is_duration(f):
        return f"{v}.Seconds()"
    if f.type == "bool":
        return f"boolInt({v})"
    if f.type == "int32":
        return f"int({v})"
    return v


def rule(f):
    """A field's range and default in words, for its doc."""
    words = []

    def num(x):
        return gen_c.fmt_number(x) if f.type == "double" else str(x)

    if f.min is not None and f.max is not None:
        words.append(f"in {'(' if f.min_open else '['}{num(f.min)}, {num(f.max)}{')' if f.max_open else ']'}")
    elif f.min is not None:
        words.append(f"{'>' if f.min_open else '>='} {num(f.min)}")
    if is_duration(f):
        words[-1:] = [w + " s" for w in words[-1:]]
    if f.nullable:
        pass  # nil is unset; the field's doc says what that means
    elif f.default is not None:
        words.append(f"default {num(f.default) if f.type in ('double', 'int32', 'int64') else str(f.default).lower()}"
                     + (" s" if is_duration(f) else ""))
    return "; ".join(words)


def builder_setters(b):
    c_functions = {fn for _, fn, _, _ in gen_c.builder_functions(b)}
    out = []
    for f in MESSAGES[b.message].fields:
        name = f"tinker_{b.name}_set_{f.name}"
        assert name in c_functions, f"gen_go: {name} is not a setter gen_c makes"
        out.append((f, name))
    return out


def gen_builders():
    out = []
    for b in registry.BUILDERS:
        msg = MESSAGES[b.message]
        name, T = msg.name, f"tinker_{b.name}_t"
        takers = [f"{CLASS[op.client]}.{camel(op.name)}" for op in registry.OPS
                  if any(p.kind == b.name + "?" for p in op.params)]
        out.append("\n" + comment(f"{name} holds {b.doc}, for {', '.join(takers)}. Start from Default{name}(): the "
                                  f"zero value is not the defaults. libtinker's setters check every value when a "
                                  f"call converts it."))
        out.append(f"type {name} struct {{\n")
        for f in msg.fields:
            doc = "; ".join(x for x in (rule(f), f.doc) if x)
            out.append(comment(f"{field_name(f.name)}: {sentence(doc)}", "\t"))
            out.append(f"\t{field_name(f.name)} {builder_field_type(f)}\n")
        out.append("}\n")
        defaults = [f for f in msg.fields if not f.nullable]
        width = max(len(field_name(f.name)) for f in defaults) + 1
        out.append(f"\n// Default{name} returns the registry's defaults (api/registry.py).\n"
                   f"func Default{name}() {name} {{\n\treturn {name}{{\n")
        for f in defaults:
            value = f.default if f.default is not None else (False if f.type == "bool" else 0)
            out.append(f"\t\t{(field_name(f.name) + ':').ljust(width)} {go_literal(f, value)},\n")
        out.append("\t}\n}\n")
        for f in msg.fields:
            if f.nullable:
                fn = field_name(f.name)
                arg = local_name(f.name)
                out.append(f"\n// With{fn} returns a copy of c with {fn} set.\n"
                           f"func (c {name}) With{fn}({arg} {field_go_type(f)}) {name} {{\n"
                           f"\tc.{fn} = &{arg}\n\treturn c\n}}\n")
        out.append(f"\n// newC{name} builds the C settings for one call, or a NULL handle (libtinker's defaults) "
                   f"for nil.\n// An error names the field ({name}.{field_name(msg.fields[0].name)}: ...).\n"
                   f"func newC{name}(v *{name}) ({raw_type(T)}, error) {{\n"
                   f"\tif v == nil {{\n\t\treturn {raw_wrap(T)}(0), nil\n\t}}\n"
                   f"\tvar p uintptr\n\tif err := {raw_fn(f'tinker_{b.name}_new')}(&p); err != nil {{\n"
                   f"\t\treturn nil, fromRaw(err)\n\t}}\n\tc := {raw_wrap(T)}(p)\n")
        for f, setter in builder_setters(b):
            call = f"{raw_fn(setter)}(c, {setter_arg(f, ('*v.' if f.nullable else 'v.') + field_name(f.name))})"
            check = (f"if err := {call}; err != nil {{\n\t\t{raw_fn(f'tinker_{b.name}_free')}(c)\n"
                     f"\t\treturn nil, fromRaw(err)\n\t}}\n")
            if f.nullable:
                out.append(f"\tif v.{field_name(f.name)} != nil {{\n\t\t" + check.replace("\n\t", "\n\t\t") + "\t}\n")
            else:
                out.append("\t" + check)
        out.append("\treturn c, nil\n}\n")
    return gofile("The registry's builders as Go values: their fields, defaults and conversion into the C "
                  "builder (new, then every setter; the setters check the ranges).",
                  "".join(out), "time", "libtinker.dev/tinker/internal/raw")


def gen_builders_test():
    """Defaults and conversions checked against the C builders: a new C builder holds the Go defaults,
    and every field a Go value sets reaches its C getter."""
    out = []
    for b in registry.BUILDERS:
        msg = MESSAGES[b.message]
        name, T = msg.name, f"tinker_{b.name}_t"
        out.append(f"\nfunc Test{name}DefaultsAreTheCBuilders(t *testing.T) {{\n"
                   f"\tvar p uintptr\n\tif err := {raw_fn(f'tinker_{b.name}_new')}(&p); err != nil {{\n\t\tt.Fatal(err)\n\t}}\n"
                   f"\tc := {raw_wrap(T)}(p)\n\tdefer {raw_fn(f'tinker_{b.name}_free')}(c)\n\td := Default{name}()\n")
        for f in msg.fields:
            fn = field_name(f.name)
            if f.nullable:
                out.append(f"\tif d.{fn} != nil {{\n\t\tt.Errorf(\"Default{name}().{fn} = %v, want nil\", *d.{fn})\n\t}}\n")
                continue
            get = f"{raw_fn(f'tinker_{b.name}_get_{f.name}')}(c)"
            out.append(f"\tif got, want := {setter_arg(f, 'd.' + fn)}, {get}; got != want {{\n"
                       f"\t\tt.Errorf(\"Default{name}().{fn} = %v, a new {T} has %v\", got, want)\n\t}}\n")
        out.append("}\n")
        # Every field moved off its default, within its range.
        out.append(f"\nfunc Test{name}ReachesTheCBuilder(t *testing.T) {{\n\tv := Default{name}()\n")
        for f in msg.fields:
            fn = field_name(f.name)
            if f.type == "bool":
                out.append(f"\tv.{fn} = !v.{fn}\n")
            elif f.nullable:
                out.append(f"\tv = v.With{fn}(7)\n")
            elif f.type == "double":
                if f.max is not None:
                    value = (float(f.min) + float(f.max)) / 2
                else:
                    value = float(f.default) + 1.5
                out.append(f"\tv.{fn} = {go_literal(f, value)}\n")
            else:
                out.append(f"\tv.{fn}++\n")
        out.append(f"\tc, err := newC{name}(&v)\n\tif err != nil {{\n\t\tt.Fatal(err)\n\t}}\n"
                   f"\tdefer {raw_fn(f'tinker_{b.name}_free')}(c)\n")
        for f in msg.fields:
            if f.nullable:
                continue  # no getter: "unset" has no value of the field's type
            fn = field_name(f.name)
            get = f"{raw_fn(f'tinker_{b.name}_get_{f.name}')}(c)"
            out.append(f"\tif got, want := {get}, {setter_arg(f, 'v.' + fn)}; got != want {{\n"
                       f"\t\tt.Errorf(\"{fn}: the C builder has %v, want %v\", got, want)\n\t}}\n")
        out.append("}\n")
    return gofile("Tests of the generated builders against libtinker's: the same defaults (both come from the "
                  "registry) and every field converted.", "".join(out), "testing", "time",
                  "libtinker.dev/tinker/internal/raw")


# ---- options ----------------------------------------------------------------------------------

def gen_options():
    out = ["\n// trainingSettings holds the options given to one call.\ntype trainingSettings struct {\n"
           "\t// given: the options' names, in the order given.\n\tgiven []string\n"]
    opts = options()
    for opt, (k, p, _) in opts.items():
        out.append(f"\t// {setting_field(opt)}: {opt}.\n\t{setting_field(opt)} {k.setting or k.go}\n")
    out.append("}\n")
    for opt, (k, p, takers) in opts.items():
        arg = local_name(p.name) if k.option_arg is None else k.option_arg
        doc = OPTION_DOCS.get(opt) or p.doc or kinds.KINDS[p.kind].doc
        out.append("\n" + comment(f"{opt} {doc} Taken by {', '.join(takers)}."))
        params = f"{arg} {k.go}" if arg else ""
        body = k.set.format(f=setting_field(opt), a=arg)
        out.append(f"func {opt}({params}) TrainingOption {{\n\treturn func(o *trainingSettings) {{\n"
                   f"\t\to.note({go_string(opt)})\n\t\t{body}\n\t}}\n}}\n")
    return gofile("The optional parameters of the registry's operations, as TrainingOptions "
                  "(training_options.go): one per kind or name, taken by the methods listed.",
                  "".join(out), "time")


# ---- operations -------------------------------------------------------------------------------

def positional(op):
    return [p for p in op.params if go_kind(op, p).option is None]


def optional(op):
    return [p for p in op.params if go_kind(op, p).option is not None]


def go_param_names(op, text):
    """`text` with each positional parameter's C name ("num_samples") spelled as the Go parameter
    ("numSamples"); the options are named in the doc's "Options:" list."""
    for p in positional(op):
        if "_" in p.name:
            text = re.sub(rf"\b{p.name}\b", go_local(op, p), text)
    return text


def op_doc(op, blocking):
    """The blocking method says what the operation does; its Async twin only how it differs."""
    name = camel(op.name)
    if not blocking:
        r = f"yields a {result_type(op.result)}" if op.result else "has nothing to take"
        return comment(f"{name}Async starts {name} and returns at once, with the operation's future (it {r}). "
                       f"Invalid arguments fail here, before anything is sent.")
    summary = " ".join(filter(None, [go_client_options(go_statuses(go_param_names(
                                         op, with_method_names(op.doc, registry.OPS, camel)))),
                                     GO_NOTES.get(op.id, GO_NOTES.get(op.name))]))
    opts = [option_name(op, p) for p in optional(op)]
    doc = f"{name} {summary}"
    if opts:
        doc += f" Options: {', '.join(opts)}."
    doc += (f" It is {name}Async + Future.Wait: a ctx that ends first cancels the operation. "
            f"Operation {op.id} (docs/protocol.md §9).")
    return comment(doc)


def gen_operations():
    out = []
    for op in registry.OPS:
        cls, recv = CLASS[op.client], RECEIVER[op.client]
        name, impl = camel(op.name), lower_first(camel(op.name))
        T = result_type(op.result)
        pos, opt = positional(op), optional(op)
        params = [f"{go_local(op, p)} {go_kind(op, p).go}" for p in pos]
        args = [go_local(op, p) for p in pos] + (["opts"] if opt else [])
        variadic = ["opts ...TrainingOption"] if opt else []
        future = f"*Future[{T}]"
        call = lambda m: f"{recv}.{impl}({', '.join([go_string(m)] + args)})"

        out.append("\n" + op_doc(op, False))
        out.append(f"func ({recv} *{cls}) {name}Async({', '.join(params + variadic)}) ({future}, error) {{\n"
                   f"\treturn {call(f'{cls}.{name}Async')}\n}}\n")
        out.append("\n" + op_doc(op, True))
        sig = ", ".join(["ctx context.Context"] + params + variadic)
        wait = f"await(ctx, func() ({future}, error) {{\n\t\treturn {call(f'{cls}.{name}')}\n\t}})"
        if op.result:
            out.append(f"func ({recv} *{cls}) {name}({sig}) ({T}, error) {{\n\treturn {wait}\n}}\n")
        else:
            out.append(f"func ({recv} *{cls}) {name}({sig}) error {{\n\t_, err := {wait}\n\treturn err\n}}\n")

        if any(go_kind(op, p).helper for p in op.params):
            continue  # {impl} is hand-written
        impl_params = ", ".join(["method string"] + params + (["opts []TrainingOption"] if opt else []))
        out.append(f"\nfunc ({recv} *{cls}) {impl}({impl_params}) ({future}, error) {{\n")
        if opt:
            allowed = ", ".join(go_string(option_name(op, p)) for p in opt)
            out.append(f"\to, err := trainingOptions(method, opts, {allowed})\n"
                       f"\tif err != nil {{\n\t\treturn nil, err\n\t}}\n")
        c_args = []
        for p in op.params:
            k = go_kind(op, p)
            v = f"o.{setting_field(option_name(op, p))}" if k.option is not None else go_local(op, p)
            local = go_local(op, p)
            c = "c" + local[0].upper() + local[1:]
            if k.pre:
                pre = k.pre.format(v=v, c=c, n=go_string(p.name))
                out.append(f"\t{pre}\n\tif err != nil {{\n\t\treturn nil, within(method, err)\n\t}}\n")
            if k.free:
                out.append(f"\tdefer {k.free.format(v=v, c=c)}\n")
            c_args.append(k.arg.format(v=v, c=c, d=go_default(p, k)))
        handle = raw_type(f"tinker_{op.client}_t")
        async_fn = raw_fn(op.c_name() + "_async")
        out.append(f"\treturn start(method, {recv}.native(), func(p {handle}, out *uintptr) error {{\n"
                   f"\t\treturn {async_fn}({', '.join(['p'] + c_args + ['out'])})\n"
                   f"\t}}, {take_fn(op.result)})\n}}\n")
    return gofile("Every operation of the registry, blocking and Async, on its client. The Async form converts "
                  "the arguments (freed before it returns) and starts the C _async function; the blocking "
                  "form is the Async form + Future.Wait. Both pass their own name, which errors use.",
                  "".join(out), "context", "time", "libtinker.dev/tinker/internal/raw")


# ---- the Go names of C functions, for errors --------------------------------------------------

def go_names():
    """[(C function, Go method or field)] of every operation (both forms) and builder setter."""
    names = []
    for op in registry.OPS:
        for (c_name, _), suffix in zip(gen_c.op_prototypes(op), ("", "Async")):
            names.append((c_name, f"{CLASS[op.client]}.{camel(op.name)}{suffix}"))
    for b in registry.BUILDERS:
        for f, setter in builder_setters(b):
            names.append((setter, f"{MESSAGES[b.message].name}.{field_name(f.name)}"))
    return names


def gen_names():
    out = ["\n// goName is the Go method or field that calls C function cName (errors.go renames messages\n"
           "// with it).\nfunc goName(cName string) (string, bool) {\n\tswitch cName {\n"]
    for c_name, go in go_names():
        out.append(f"\tcase {go_string(c_name)}:\n\t\treturn {go_string(go)}, true\n")
    out.append("\t}\n\treturn \"\", false\n}\n")
    return gofile("The Go name of every C function of the registry: libtinker's errors name the C function "
                  "that failed; the Go layer's errors name what the caller called.", "".join(out))


OUTPUTS = {
    OUT + "operations_gen.go": gen_operations,
    OUT + "options_gen.go": gen_options,
    OUT + "results_gen.go": gen_results,
    OUT + "builders_gen.go": gen_builders,
    OUT + "builders_gen_test.go": gen_builders_test,
    OUT + "names_gen.go": gen_names,
}
