"""Parameter kinds: what a parameter of an operation is, in every language that sees it.

A kind gives the C declaration, whether NULL is allowed, the check made at the C boundary (a
function of capi/op.h, called with the exported function's name and the parameter's name), and
the C++ value handed to the operation. `{p}` stands for the parameter's name. The bindings'
generators read the same table for their own types (see gen_go.py, gen_ruby.py, gen_java.py).
"""

from dataclasses import dataclass
from typing import Optional


@dataclass
class Kind:
    c: str                          # C declaration(s); may declare two C parameters
    cpp: str                        # the C++ value passed to the operation
    null_ok: bool = True            # pointers: NULL allowed (scalars: True)
    check: Optional[str] = None     # capi check function: check(fn, "p", p [, ...])
    pointer: bool = False           # a pointer parameter (NULL-argument tests cover it)
    test: str = ""                  # a valid argument in the generated tests (`fx` is their fixture)
    doc: str = ""


KINDS = {
    # strings
    "string": Kind(c="const char *{p}", cpp="std::string({p})", null_ok=False, pointer=True, test="\"x\""),
    "string?": Kind(c="const char *{p}", cpp="capi::opt_string({p})", pointer=True,
                    doc="NULL for none", test="nullptr"),
    "name": Kind(c="const char *{p}", cpp="std::string({p})", null_ok=False, pointer=True,
                 check="capi::check_checkpoint_name", doc="non-empty, no '/'", test="\"x\""),
    "tinker_path": Kind(c="const char *{p}", cpp="std::string({p})", null_ok=False, pointer=True,
                        check="capi::check_tinker_path", doc="starts with tinker://", test="\"tinker://run/weights/x\""),
    "tinker_path?": Kind(c="const char *{p}", cpp="capi::opt_string({p})", pointer=True, check="capi::check_optional_tinker_path",
                         doc="NULL or \"\" for none; else starts with tinker://", test="\"tinker://run/sampler_weights/x\""),
    "id": Kind(c="const char *{p}", cpp="std::string({p})", null_ok=False, pointer=True, check="capi::check_id",
               doc="non-empty", test="\"x\""),
    "checkpoint_id": Kind(c="const char *{p}", cpp="std::string({p})", null_ok=False, pointer=True,
                          check="capi::check_checkpoint_id", doc="\"weights/<name>\" or \"sampler_weights/<name>\"",
                          test="\"weights/x\""),
    "checkpoint_path": Kind(c="const char *{p}", cpp="std::string({p})", null_ok=False, pointer=True,
                            check="capi::check_checkpoint_path",
                            doc="tinker://<run>/weights/<name> or tinker://<run>/sampler_weights/<name>",
                            test="\"tinker://run/weights/x\""),
    "access_scope": Kind(c="const char *{p}", cpp="capi::access_scope_or_owned({p})", pointer=True,
                         check="capi::check_access_scope",
                         doc="\"owned\" (the caller's) or \"accessible\" (also what others shared); NULL or \"\" for \"owned\"",
                         test="nullptr"),
    "audit_event_type": Kind(c="const char *{p}", cpp="capi::audit_event_type_or_all({p})", pointer=True,
                             check="capi::check_audit_event_type",
                             doc="\"all\" or \"checkpoints\"; NULL or \"\" for \"all\"", test="nullptr"),
    "day?": Kind(c="const char *{p}", cpp="capi::opt_string({p})", pointer=True, check="capi::check_optional_day",
                 doc="a UTC day, \"YYYY-MM-DD\"; NULL or \"\" for every day", test="nullptr"),
    "timestamp": Kind(c="const char *{p}", cpp="std::string({p})", null_ok=False, pointer=True,
                      check="capi::check_timestamp", doc="RFC 3339, e.g. \"2026-12-01T00:00:00Z\"",
                      test="\"2026-12-01T00:00:00Z\""),
    # numbers and flags
    "ttl": Kind(c="int64_t {p}", cpp="{p}", check="capi::check_ttl", doc="seconds, 0 = never expires", test="0"),
    "flag": Kind(c="int {p}", cpp="{p} != 0", doc="0 or 1", test="0"),
    "count": Kind(c="int64_t {p}", cpp="{p}", check="capi::check_positive", doc=">= 1", test="1"),
    "limit": Kind(c="int64_t {p}", cpp="{p}", check="capi::check_positive", doc=">= 1", test="1"),
    "offset": Kind(c="int64_t {p}", cpp="{p}", check="capi::check_non_negative", doc=">= 0", test="0"),
    "topk": Kind(c="int64_t {p}", cpp="{p}", check="capi::check_non_negative", doc=">= 0; 0 for none", test="0"),
    # sampling inputs
    "model_input": Kind(c="const tinker_model_input_t *{p}", cpp="{p}->chunks", null_ok=False, pointer=True,
                        test="fx.prompt"),
    "sampling_params?": Kind(c="const tinker_sampling_params_t *{p}", cpp="capi::sampling_params_of({p})",
                             pointer=True, doc="NULL for the defaults", test="nullptr"),
    # training inputs (builders, borrowed views)
    "batch": Kind(c="const tinker_batch_t *{p}", cpp="{p}->datums", null_ok=False, pointer=True, test="fx.batch"),
    "loss_fn_config?": Kind(c="const tinker_loss_fn_config_t *{p}",
                            cpp="({p} ? {p}->values : std::map<std::string, double>{{}})", pointer=True, test="nullptr"),
    "adam_params?": Kind(c="const tinker_adam_params_t *{p}", cpp="capi::builder_value({p})", pointer=True, test="nullptr"),
    "lora_config?": Kind(c="const tinker_lora_config_t *{p}", cpp="capi::builder_value({p})", pointer=True,
                         check="capi::check_lora", test="nullptr"),
    "metadata?": Kind(c="const tinker_metadata_t *{p}", cpp="capi::metadata_of({p})", pointer=True, test="nullptr"),
    "retry_config?": Kind(c="const tinker_retry_config_t *{p}", cpp="capi::builder_value({p})", pointer=True, test="nullptr"),
    # forward_backward_custom
    "custom_loss_fn": Kind(c="tinker_custom_loss_fn_t {p}, void *user_data", cpp="CustomLoss{{{p}, user_data}}",
                           null_ok=False, pointer=True, test="fx.loss_fn, nullptr"),
    "custom_loss_step": Kind(c="tinker_custom_loss_step_t *{p}", cpp="*{p}", null_ok=False, pointer=True, test="fx.step"),
}
