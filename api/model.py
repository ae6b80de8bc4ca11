"""The vocabulary of the registry (registry.py): messages, results, builders, parameters, operations.

Everything here is plain data. The generators (gen_*.py) turn it into C++ for the library and the
emulator, tests, and the Go, Ruby and Java layers. Nothing here knows about any output language
beyond the names and kinds the outputs share.
"""

import re
from dataclasses import dataclass, field
from typing import Optional


# ---- messages: JSON objects on the wire ------------------------------------------------------

# Field types of messages and builders. "list:<Message>" is a JSON array of objects;
# "object:<Message>" a nested object (nullable: it may be absent, and its getters are the
# message's, prefixed with the field's name); "keyed:<Message>" a JSON object whose members are
# objects, read as a list: the member name goes to the item's `key` field.
SCALARS = ("string", "bool", "int32", "int64", "double", "metrics",
           "strings",      # a list of strings
           "string_map")   # an object of strings (C: a borrowed tinker_metadata_t)


@dataclass
class Field:
    name: str                       # C/C++ name; also the getter's and the bindings' name
    type: str                       # one of SCALARS, "list:<Message>" or "object:<Message>"
                                    # (a nullable bool's getter says -1 for absent)
    json: Optional[str] = None      # dotted JSON path; alternatives separated by "|" (decode takes
                                    # the first present, encode writes the first); None = same as name
    doc: str = ""
    required: bool = False          # decode fails when absent
    nullable: bool = False          # may be absent (std::optional): a string getter returns NULL then
    arg: str = "value"              # builder fields: the setter's parameter name
    max_open: bool = False          # max itself is refused
    default: object = None          # value when absent (decode) and in a new builder
    min: object = None              # decode / setters refuse values outside [min, max]
    max: object = None
    min_open: bool = False          # min itself is refused
    omit: Optional[str] = None      # encode leaves the field out when "empty" ("" / 0 / false)
    cut_at: Optional[str] = None    # decode keeps the text before this character
    const: Optional[str] = None     # always this value (a "type" discriminator)
    item: Optional[str] = None      # list fields: the singular used in getter names
    source: Optional[str] = None    # request fields: "param:<name>", "client:model_id", "seq_id",
                                    # "op:<name>" (registry.OP_VALUES)
    internal: bool = False          # on the wire only: no getter, no binding field
    send_null: bool = False         # nullable request fields: an absent value is sent as null
    key: bool = False               # items of a "keyed:" field: the member name, not inside the object

    def paths(self):
        return (self.json or self.name).split("|")

    def is_list(self):
        return self.type.startswith("list:")

    def is_object(self):
        return self.type.startswith("object:")

    def is_keyed(self):
        return self.type.startswith("keyed:")

    def target(self):
        return self.type.split(":", 1)[1]


@dataclass
class Message:
    name: str                       # C++ struct name in tinker::wire::api
    fields: list
    doc: str = ""


# ---- results: what an operation's future holds -----------------------------------------------

@dataclass
class Result:
    name: str                       # C name: tinker_<name>_t, tinker_future_take_<name>, ...
    label: str                      # in messages: "future holds a <label> result"
    message: Optional[str] = None   # JSON results: the message decoded from the response
    handle: Optional[str] = None    # results that become client handles: "training_client", ...
    handwritten: bool = False       # struct, getters and take written by hand (forward/backward
                                    # output, custom-loss step)
    text: bool = False              # the result is one string: the blocking call and the take give
                                    # a char * freed with tinker_free (see Op.returns)
    param: str = "result"           # the result's parameter name in its getters
    doc: str = ""


# ---- builders: opaque option objects with typed setters --------------------------------------

@dataclass
class Builder:
    name: str                       # tinker_<name>_t, tinker_<name>_new/_set_<field>/_get_<field>/_free
    message: str                    # the Message it holds (its fields, defaults and bounds)
    param: str = "config"           # the builder's parameter name in its functions
    doc: str = ""


# ---- operations -------------------------------------------------------------------------------

@dataclass
class Param:
    name: str
    kind: str                       # a key of kinds.KINDS
    doc: str = ""
    default: object = None          # the bindings' default where the kind's is not this operation's


@dataclass
class Op:
    id: str                         # "T9" (the operation list's numbering)
    client: str                     # "service_client", "training_client", "sampling_client", "rest_client"
    name: str                       # "get_info" → tinker_training_client_get_info[_async]
    params: list = field(default_factory=list)
    result: Optional[str] = None    # a Result name; None = status only
    # Plain operations: one JSON request, built from `request` (a Message whose fields name their
    # source) and sent by the client's generic runner.
    http: Optional[tuple] = None    # ("POST", "/api/v1/get_info")
    request: Optional[str] = None   # Message name of the body; None = no body
    response: Optional[str] = None  # text results: the Message the answer is decoded as ...
    returns: Optional[str] = None   # ... and its string field that is the result
    path_params: dict = field(default_factory=dict)  # "{name}" in the path: name → source
                                    # ("client:<attribute>", "param:<name>", or
                                    # "parsed:<param>:<part>", a part of a checkpoint path);
                                    # "{name...}" holds a value that contains '/'
    query: dict = field(default_factory=dict)        # query parameters: name → source
    future: bool = False            # the answer is {"request_id"}: poll retrieve_future
    request_type: str = ""          # X-Tinker-Request-Type on polls
    ordered: bool = False           # takes the training run's next seq_id (protocol.md §6.1)
    http_retries: int = -1          # layer-1 retries; -1 = the client's setting
    conflict_is_final: bool = False # 409 cannot heal (a name in use)
    prerequisite: str = "config"    # "none", "config", "session"
    # Special operations: the C++ expression that starts them (their arguments by {param}).
    impl: Optional[str] = None
    emulator: Optional[str] = None  # the emulator handler's name (plain ops with routes)
    sdk: Optional[str] = ""         # the official Python SDK's method ("" = the same name; None = the
                                    # SDK has none: an operation beyond it)
    runner: str = "run"             # the client's method that runs a plain operation (one that reads
                                    # more than a JSON answer: a redirect, or polls until ready)
    doc: str = ""

    def c_name(self):
        return f"tinker_{self.client}_{self.name}"


def with_method_names(text, ops, method_name):
    """`text` (a registry doc) with each operation name that has an underscore ("optim_step")
    replaced by method_name(op name): the name a language gives the method."""
    names = sorted((op.name for op in ops if "_" in op.name), key=len, reverse=True)
    if not names or not text:
        return text
    return re.sub(r"\b(" + "|".join(names) + r")\b", lambda m: method_name(m.group(1)), text)
