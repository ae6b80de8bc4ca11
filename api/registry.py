"""The one description of libtinker's operations and results.

Each operation and each result type is written here once. From this file come the C shims of
every operation (blocking and _async, with their argument checks), the JSON messages that the
library and the emulator both encode and decode, the result objects with their getters, takes,
_to_json and _free, the emulator's routes, the expected exported symbols, the NULL-argument and
header-agreement tests, and the Go, Ruby and Java methods (api/generate.py). The header
include/tinker/*.h stays hand-written: it is the specification, and a test holds it and this file
equal.

Numbering (S1, T9, ...) follows the operation list in docs/protocol.md §9; protocol facts cite
docs/protocol.md.
"""

from model import Builder, Field as F, Message, Result, Op, Param as P

# ---- messages (docs/protocol.md §7) --------------------------------------------------------------
# Result messages: what the client decodes and the emulator encodes; `internal` fields travel but
# have no getter. Request messages: each field says where its value comes from.

MESSAGES = [
    # §7.13
    Message("SupportedModel", [
        F("name", "string", json="model_name", nullable=True, doc="the model's name; NULL when the server gave none"),
        F("max_context_length", "int64", default=-1, min=0, max=1 << 40, doc="-1 when the server did not say"),
    ]),
    Message("ServerCapabilities", [
        F("models", "list:SupportedModel", json="supported_models", item="model", required=True,
          doc="the models the server supports"),
    ]),
    # §7.5
    Message("OptimStepResponse", [
        F("metrics", "metrics", doc="the optimizer's metrics, in the server's order"),
    ]),
    # §7.10
    Message("SaveResponse", [
        F("path", "string", required=True, doc="the checkpoint's tinker:// path"),
        F("sampling_session_id", "string", omit="empty",
          doc="the sampling session made by an unnamed sampler save; \"\" otherwise"),
        F("type", "string", omit="empty", internal=True),
    ]),
    Message("LoadResponse", [
        F("path", "string", omit="empty", doc="the loaded checkpoint's path; \"\" when the server did not say"),
        F("model_id", "string", omit="empty", doc="the run the weights went into; \"\" when the server did not say"),
        F("type", "string", omit="empty", internal=True),
    ]),
    # §7.11
    Message("ModelInfo", [
        F("model_id", "string", required=True, doc="the training run's id"),
        F("base_model", "string", json="model_data.model_name|model_name", doc="the base model's name"),
        F("arch", "string", json="model_data.arch", doc="the architecture, e.g. \"llama\""),
        F("tokenizer_id", "string", json="model_data.tokenizer_id", cut_at=":",
          doc="the tokenizer's id (any \":revision\" suffix removed, as the official SDK does)"),
        F("is_lora", "bool", doc="1 for a LoRA run"),
        F("lora_rank", "int64", default=-1, min=0, max=65536, doc="the LoRA rank; -1 when the server did not say"),
        F("model_name", "string", omit="empty", internal=True),  # the base model again, top level
        F("type", "string", omit="empty", internal=True),
    ]),
    # §2.5, §7.17
    Message("Sampler", [
        F("sampler_id", "string", required=True, doc="the sampler's id (its sampling session id)"),
        F("base_model", "string", required=True, doc="the base model it samples from"),
        F("model_path", "string", nullable=True,
          doc="the checkpoint it samples (tinker://…); NULL for a sampler on the base model"),
    ]),
    # §7.14
    Message("Checkpoint", [
        F("checkpoint_id", "string", required=True,
          doc="its id within the training run, \"<kind>/<name>\", e.g. \"weights/0001\""),
        F("checkpoint_type", "string", required=True, doc="\"training\" or \"sampler\""),
        F("time", "string", required=True, doc="when it was saved (RFC 3339)"),
        F("tinker_path", "string", required=True, doc="its tinker:// path"),
        F("size_bytes", "int64", default=-1, min=0, max=1 << 60, doc="its size in bytes; -1 when the server did not say"),
        F("is_public", "bool", json="public", doc="1 when it is published (visible to other users)"),
        F("expires_at", "string", nullable=True, doc="when it expires (RFC 3339); NULL when it never does"),
    ]),
    Message("CheckpointList", [
        F("checkpoints", "list:Checkpoint", item="checkpoint", required=True, doc="the checkpoints of this page"),
        F("offset", "int64", json="cursor.offset", default=-1, min=0, max=1 << 53,
          doc="the page's offset; -1 when the server sent no cursor"),
        F("limit", "int64", json="cursor.limit", default=-1, min=0, max=1 << 53,
          doc="the page's size limit; -1 when the server sent no cursor"),
        F("total_count", "int64", json="cursor.total_count", default=-1, min=0, max=1 << 53,
          doc="how many checkpoints there are in all; -1 when the server sent no cursor"),
    ]),
    # §7.16
    Message("WeightsInfo", [
        F("base_model", "string", required=True, doc="the base model the checkpoint was trained from"),
        F("is_lora", "bool", required=True, doc="1 for LoRA weights"),
        F("lora_rank", "int64", default=-1, min=0, max=65536, doc="the LoRA rank; -1 when the server did not say"),
        F("train_unembed", "bool", nullable=True, doc="1 or 0: whether the unembedding was trained; -1 when the server did not say"),
        F("train_mlp", "bool", nullable=True, doc="1 or 0: whether the MLP layers were trained; -1 when the server did not say"),
        F("train_attn", "bool", nullable=True, doc="1 or 0: whether the attention layers were trained; -1 when the server did not say"),
    ]),
    # §7.17
    Message("Session", [
        F("training_run_ids", "strings", item="training_run_id", required=True,
          doc="the training runs (model ids) made in the session"),
        F("sampler_ids", "strings", item="sampler_id", required=True, doc="the samplers made in the session"),
    ]),
    Message("SessionList", [
        F("sessions", "strings", item="session", required=True, doc="session ids"),
    ]),
    # §7.15
    Message("TrainingRun", [
        F("training_run_id", "string", required=True, doc="the training run's id (its model id)"),
        F("base_model", "string", required=True, doc="the base model it trains"),
        F("model_owner", "string", required=True, doc="the user who owns it"),
        F("is_lora", "bool", required=True, doc="1 for a LoRA run"),
        F("corrupted", "bool", doc="1 when the server marked the run corrupted"),
        F("lora_rank", "int64", default=-1, min=0, max=65536, doc="the LoRA rank; -1 when the server did not say"),
        F("last_request_time", "string", required=True, doc="when the run last received a request (RFC 3339)"),
        F("last_checkpoint", "object:Checkpoint", nullable=True,
          doc="its newest training checkpoint; its getters give NULL (strings) or -1 when there is none"),
        F("last_sampler_checkpoint", "object:Checkpoint", nullable=True,
          doc="its newest sampler checkpoint; its getters give NULL (strings) or -1 when there is none"),
        F("user_metadata", "string_map", doc="the metadata given when the run was created, in key order"),
    ]),
    Message("TrainingRunList", [
        F("training_runs", "list:TrainingRun", item="training_run", required=True, doc="the training runs of this page"),
        F("offset", "int64", json="cursor.offset", required=True, min=0, max=1 << 53, doc="the page's offset"),
        F("limit", "int64", json="cursor.limit", required=True, min=0, max=1 << 53, doc="the page's size limit"),
        F("total_count", "int64", json="cursor.total_count", required=True, min=0, max=1 << 53,
          doc="how many training runs there are in all"),
    ]),
    # §2.4: the 200 form of the archive answer (the 302 form's Location and Expires become the same).
    Message("CheckpointArchiveUrl", [
        F("url", "string", required=True, doc="the signed URL the archive (.tar.gz) downloads from, without credentials"),
        F("expires", "string", required=True, doc="when the URL stops working (RFC 3339)"),
    ]),
    # §2.6: one poll of a trace export.
    Message("TraceExport", [
        F("status", "string", required=True, doc="\"pending\", \"ready\" or \"failed\""),
        F("url", "string", nullable=True, doc="the trace's URL once ready"),
        F("error", "string", nullable=True, doc="why the export failed"),
    ]),
    # §7.17
    Message("AuditEntry", [
        F("timestamp", "string", required=True, doc="when it happened (RFC 3339)"),
        F("event", "string", required=True, doc="what happened, e.g. \"checkpoint_saved\""),
        F("model_id", "string", nullable=True, doc="the training run concerned; NULL when none"),
        F("tinker_path", "string", nullable=True, doc="the checkpoint concerned; NULL when none"),
        F("purpose", "string", nullable=True, doc="why, as the server recorded it; NULL when not said"),
    ]),
    Message("AuditLog", [
        F("entries", "list:AuditEntry", item="entry", required=True, doc="the entries, oldest first"),
    ]),
    # §7.18: event_info's fields are flattened; each event type sets its own, the rest are absent.
    Message("BillingEvent", [
        F("bucket_start", "string", required=True, doc="the start of the usage bucket (RFC 3339)"),
        F("bucket_end", "string", required=True, doc="the end of the usage bucket (RFC 3339)"),
        F("base_model", "string", nullable=True, doc="the model used; NULL when not said"),
        F("user_id", "string", nullable=True, doc="the user; NULL when not said"),
        F("user_name", "string", nullable=True, doc="the user's name; NULL when not said"),
        F("session_id", "string", nullable=True, doc="the session; NULL when not said"),
        F("project_id", "string", nullable=True, doc="the project; NULL when not said"),
        F("event_type", "string", json="event_info.type", required=True,
          doc="\"training\", \"sampling_prefill\", \"sampling_sample\", \"checkpoint\" or \"storage\""),
        F("token_count", "int64", json="event_info.token_count", default=-1, min=0, max=1 << 62,
          doc="tokens (training, sampling_prefill, sampling_sample); -1 for other types"),
        F("cached", "bool", json="event_info.cached", nullable=True,
          doc="1 or 0: whether the prefill hit the cache (sampling_prefill); -1 for other types"),
        F("checkpoint_count", "int64", json="event_info.count", default=-1, min=0, max=1 << 62,
          doc="checkpoints saved (checkpoint); -1 for other types"),
        F("gigabyte_hours", "double", json="event_info.gigabyte_hours", default=-1.0, min=0.0, max=1e18,
          doc="storage used (storage); -1 for other types"),
    ]),
    Message("BillingSession", [
        F("session_id", "string", key=True, doc="the session's id"),
        F("user_metadata", "string_map", doc="the session's metadata, in key order"),
    ]),
    Message("BillingUsage", [
        F("events", "list:BillingEvent", json="data", item="event", required=True, doc="the usage events"),
        F("sessions", "keyed:BillingSession", item="session", doc="the sessions the events name"),
    ]),
    # §7.17: from the JWT's claims, never from the wire.
    Message("Whoami", [
        F("user_urn", "string", json="user_urn|sub", required=True, doc="the caller's user URN (the JWT's \"sub\")"),
        F("email", "string", nullable=True, doc="the caller's email; NULL for principals without one"),
    ]),

    # ---- requests (§2.2, §2.3, §2.4) ----
    # §7.5
    Message("AdamParams", [
        F("learning_rate", "double", default=1e-4, min=0.0),
        F("beta1", "double", default=0.9, min=0.0, max=1.0, max_open=True),
        F("beta2", "double", default=0.95, min=0.0, max=1.0, max_open=True),
        F("eps", "double", default=1e-12, min=0.0),
        F("weight_decay", "double", default=0.0, min=0.0),
        F("grad_clip_norm", "double", default=0.0, min=0.0),
    ]),
    # §7.6
    Message("LoraConfig", [
        F("rank", "int32", default=32, min=0, min_open=True, arg="rank"),
        F("seed", "int64", nullable=True, arg="seed", doc="none by default: the server picks one"),
        F("train_mlp", "bool", default=True, arg="on"),
        F("train_attn", "bool", default=True, arg="on"),
        F("train_unembed", "bool", default=True, arg="on"),
    ]),
    # §4.3: the sampling retry layer's settings (client side; never sent).
    Message("RetryConfig", [
        F("max_connections", "int64", default=1000, min=1, max=(1 << 31) - 1,
          doc="replaced by the server's sample_max_concurrent_requests"),
        F("progress_timeout", "double", default=7200.0, min=0.0, min_open=True, arg="seconds"),
        F("retry_delay_base", "double", default=0.5, min=0.0, arg="seconds"),
        F("retry_delay_max", "double", default=10.0, min=0.0, arg="seconds"),
        F("jitter_factor", "double", default=0.25, min=0.0, max=1.0, arg="factor"),
        F("enable_retry_logic", "bool", default=True, arg="enable"),
        F("enable_stuck_detection", "bool", default=True, arg="enable"),
    ]),
    Message("GetInfoRequest", [
        F("model_id", "string", source="client:model_id", required=True),
        F("type", "string", const="get_info"),
    ]),
    Message("UnloadModelRequest", [
        F("model_id", "string", source="client:model_id", required=True),
        F("type", "string", const="unload_model"),
    ]),
    Message("OptimStepRequest", [
        F("adam_params", "object:AdamParams", source="param:params"),
        F("model_id", "string", source="client:model_id", required=True),
        F("seq_id", "int64", source="seq_id", required=True, min=1),
        F("type", "string", const="optim_step"),
    ]),
    Message("SaveWeightsRequest", [
        F("model_id", "string", source="client:model_id", required=True),
        F("path", "string", source="param:name", nullable=True, doc="the checkpoint's name; absent: the server names it"),
        F("seq_id", "int64", source="seq_id", required=True, min=1),
        F("ttl_seconds", "int64", source="param:ttl_seconds", omit="empty", min=0),
        F("overwrite", "bool", source="param:overwrite"),
        F("type", "string", const="save_weights"),
    ]),
    Message("SaveWeightsForSamplerRequest", [
        F("model_id", "string", source="client:model_id", required=True),
        F("path", "string", source="param:name", required=True),
        F("seq_id", "int64", source="seq_id", required=True, min=1),
        F("ttl_seconds", "int64", source="param:ttl_seconds", omit="empty", min=0),
        F("type", "string", const="save_weights_for_sampler"),
    ]),
    Message("LoadWeightsRequest", [
        F("model_id", "string", source="client:model_id", required=True),
        F("seq_id", "int64", source="seq_id", required=True, min=1),
        F("path", "string", source="param:path", required=True),
        F("optimizer", "bool", source="op:optimizer"),
        F("weights_access_token", "string", source="param:weights_access_token", omit="empty"),
        F("type", "string", const="load_weights"),
    ]),
    Message("WeightsInfoRequest", [
        F("tinker_path", "string", source="param:tinker_path", required=True),
    ]),
    # §2.4: null is sent to remove the time to live.
    Message("SetCheckpointTtlRequest", [
        F("ttl_seconds", "int64", source="param:ttl_seconds", nullable=True, send_null=True, min=1),
    ]),
    # §2.6
    Message("AssignSessionProjectRequest", [
        F("project_id", "string", source="param:project_id", required=True),
    ]),
]

# ---- builders: opaque option objects (new, typed setters with the bounds above, getters, free) --------

BUILDERS = [
    Builder("adam_params", "AdamParams", param="params", doc="T4's optimizer settings"),
    Builder("lora_config", "LoraConfig", doc="S2's LoRA settings"),
    Builder("retry_config", "RetryConfig", doc="the sampling retry layer's settings (T10, T11, S5)"),
]

# ---- results ---------------------------------------------------------------------------------------

RESULTS = [
    Result("server_capabilities", "server capabilities", message="ServerCapabilities", param="caps",
           doc="S1: the models the server supports"),
    Result("optim_step_result", "optim step result", message="OptimStepResponse", doc="T4"),
    Result("save_result", "save result", message="SaveResponse", doc="T5, T8"),
    Result("load_result", "load result", message="LoadResponse", doc="T6, T7"),
    Result("model_info", "model info", message="ModelInfo", param="info", doc="T9"),
    Result("forward_backward_output", "forward/backward output", handwritten=True, doc="T1, T2, T3"),
    Result("custom_loss_step", "custom loss step", handwritten=True, doc="T3, first phase"),
    Result("training_client", "training client", handle="training_client", doc="S2, S3, S4"),
    Result("sampling_client", "sampling client", handle="sampling_client", doc="T10, T11"),
    Result("string", "string", text=True, doc="operations that return one string"),
    Result("tokenizer", "tokenizer", handle="tokenizer", doc="T13, P4"),
    Result("sample_response", "sample response", handwritten=True, doc="P1"),
    Result("prompt_logprobs", "prompt logprobs", handwritten=True, doc="P2"),
    Result("checkpoint_list", "checkpoint list", message="CheckpointList", param="list",
           doc="R5, R6: checkpoints and the page they are"),
    Result("sampler", "sampler", message="Sampler", param="sampler", doc="R20"),
    Result("whoami", "whoami", message="Whoami", param="who", doc="R23"),
    Result("weights_info", "weights info", message="WeightsInfo", param="info", doc="R3"),
    Result("session", "session", message="Session", param="session", doc="R16"),
    Result("session_list", "session list", message="SessionList", param="list", doc="R17"),
    Result("training_run", "training run", message="TrainingRun", param="run", doc="R1, R2"),
    Result("training_run_list", "training run list", message="TrainingRunList", param="list",
           doc="R4: training runs and the page they are"),
    Result("checkpoint_archive_url", "checkpoint archive URL", message="CheckpointArchiveUrl", param="archive",
           doc="R7, R8"),
    Result("audit_log", "audit log", message="AuditLog", param="log", doc="R21"),
    Result("billing_usage", "billing usage", message="BillingUsage", param="usage", doc="R22"),
]

# ---- operations ------------------------------------------------------------------------------------

_training_client = [P("client", "training_client")]

OPS = [
    # ServiceClient
    Op("S1", "service_client", "get_server_capabilities", result="server_capabilities",
       http=("GET", "/api/v1/get_server_capabilities"), emulator="get_server_capabilities",
       doc="fetches the models the server supports."),
    Op("S2", "service_client", "create_lora_training_client",
       params=[P("base_model", "string"), P("lora", "lora_config?"), P("user_metadata", "metadata?")],
       result="training_client",
       impl="create_lora_training_client(client->impl->context(), {base_model}, {lora}, {user_metadata})",
       doc="creates a LoRA training run on a base model."),
    Op("S3", "service_client", "create_training_client_from_state",
       params=[P("path", "tinker_path"), P("base_model", "string?"), P("user_metadata", "metadata?"),
               P("weights_access_token", "string?")],
       result="training_client",
       impl="create_training_client_from_state(client->impl->context(), {path}, {base_model}, {user_metadata}, "
            "{weights_access_token}, false)",
       doc="creates a training run from a training checkpoint (tinker://…/weights/…): weights only."),
    Op("S4", "service_client", "create_training_client_from_state_with_optimizer",
       params=[P("path", "tinker_path"), P("base_model", "string?"), P("user_metadata", "metadata?"),
               P("weights_access_token", "string?")],
       result="training_client",
       impl="create_training_client_from_state(client->impl->context(), {path}, {base_model}, {user_metadata}, "
            "{weights_access_token}, true)",
       doc="creates a training run from a training checkpoint: weights and optimizer state."),
    Op("S5", "service_client", "create_sampling_client",
       params=[P("model_path", "tinker_path?"), P("base_model", "string?"), P("retry", "retry_config?")],
       result="sampling_client",
       impl="client->impl->create_sampling_client({model_path}, {base_model}, {retry}, err)",
       doc="opens a sampling client on a sampler checkpoint or on a base model (at least one of the two)."),
    Op("S7", "service_client", "health_check", sdk=None, impl="client->impl->health_check()",
       doc="succeeds when the server reports itself healthy."),
    Op("X1", "service_client", "start_session", sdk=None, impl="client->impl->start_session()",
       doc="makes sure the client's session exists (configuration, token, create_session, heartbeat). "
           "Operations that need a session do this themselves; a failed start is tried again by the next "
           "call."),

    # TrainingClient
    Op("T1", "training_client", "forward",
       params=[P("data", "batch"), P("loss_fn", "string"), P("config", "loss_fn_config?")],
       result="forward_backward_output",
       impl="client->impl->forward_backward({data}, {loss_fn}, {config}, /*forward_only=*/true, err)",
       doc="runs a forward pass without gradients, with a built-in loss function such as \"cross_entropy\"."),
    Op("T2", "training_client", "forward_backward",
       params=[P("data", "batch"), P("loss_fn", "string"), P("config", "loss_fn_config?")],
       result="forward_backward_output",
       impl="client->impl->forward_backward({data}, {loss_fn}, {config}, /*forward_only=*/false, err)",
       doc="runs a forward and a backward pass with a built-in loss function such as \"cross_entropy\"; the "
           "gradients accumulate on the server until the next optim_step."),
    Op("T3", "training_client", "forward_backward_custom",
       params=[P("data", "batch"), P("loss_fn", "custom_loss_fn")],
       result="forward_backward_output",
       impl="client->impl->forward_backward_custom({data}, {loss_fn}, err)",
       doc="runs forward_backward with a loss computed on the client: the forward pass's logprobs go to the "
           "loss function, and the backward pass sends its gradients. Datums may carry only \"target_tokens\" "
           "and \"weights\"."),
    Op("T3a", "training_client", "forward_backward_custom_begin", sdk=None, params=[P("data", "batch")],
       result="custom_loss_step", impl="client->impl->forward_backward_custom_begin({data}, err)",
       doc="runs the first phase of forward_backward_custom, the forward pass, and returns the step that "
           "holds its logprobs and takes the loss, gradients and metrics."),
    Op("T3b", "training_client", "forward_backward_custom_finish", sdk=None, params=[P("step", "custom_loss_step")],
       result="forward_backward_output", impl="client->impl->forward_backward_custom_finish({step}, err)",
       doc="runs the second phase of forward_backward_custom: sends the backward pass with the step's loss, "
           "gradients and metrics. The step must come from this client and not have been finished."),
    Op("T4", "training_client", "optim_step", params=[P("params", "adam_params?")], result="optim_step_result",
       http=("POST", "/api/v1/optim_step"), request="OptimStepRequest", future=True, request_type="OptimStep",
       ordered=True, prerequisite="session",
       doc="runs one Adam step with the gradients accumulated since the last one."),
    Op("T5", "training_client", "save_state",
       params=[P("name", "name"), P("ttl_seconds", "ttl"), P("overwrite", "flag")], result="save_result",
       http=("POST", "/api/v1/save_weights"), request="SaveWeightsRequest", future=True,
       request_type="SaveWeights", ordered=True, prerequisite="session", http_retries=0,
       conflict_is_final=True,
       doc="saves the weights and optimizer state as the named training checkpoint; a name in use fails with"
           " ALREADY_EXISTS unless overwrite is set."),
    Op("T6", "training_client", "load_state",
       params=[P("path", "tinker_path"), P("weights_access_token", "string?")], result="load_result",
       http=("POST", "/api/v1/load_weights"), request="LoadWeightsRequest", future=True,
       request_type="LoadWeights", ordered=True, prerequisite="session",
       doc="loads the weights of a training checkpoint."),
    Op("T7", "training_client", "load_state_with_optimizer",
       params=[P("path", "tinker_path"), P("weights_access_token", "string?")], result="load_result",
       http=("POST", "/api/v1/load_weights"), request="LoadWeightsRequest", future=True,
       request_type="LoadWeights", ordered=True, prerequisite="session",
       doc="loads the weights and optimizer state of a training checkpoint."),
    Op("T8", "training_client", "save_weights_for_sampler", params=[P("name", "name"), P("ttl_seconds", "ttl")],
       result="save_result", http=("POST", "/api/v1/save_weights_for_sampler"),
       request="SaveWeightsForSamplerRequest", future=True, request_type="SaveWeightsForSampler", ordered=True,
       prerequisite="session", http_retries=0, conflict_is_final=True,
       doc="saves the weights as the named sampler checkpoint."),
    Op("T9", "training_client", "get_info", result="model_info", http=("POST", "/api/v1/get_info"),
       request="GetInfoRequest", emulator="get_info",
       doc="fetches the model information (not ordered with other operations)."),
    Op("T10", "training_client", "create_sampling_client",
       params=[P("model_path", "tinker_path"), P("retry", "retry_config?")], result="sampling_client",
       impl="client->impl->create_sampling_client({model_path}, {retry})",
       doc="opens a sampling client on a sampler checkpoint."),
    Op("T11", "training_client", "save_weights_and_get_sampling_client", params=[P("retry", "retry_config?")],
       result="sampling_client", impl="client->impl->save_weights_and_get_sampling_client({retry})",
       doc="saves the current weights as an ephemeral sampler checkpoint and opens a sampling client on "
           "them."),
    Op("T12", "training_client", "unload_model", sdk=None, http=("POST", "/api/v1/unload_model"),
       request="UnloadModelRequest", future=True, request_type="UnloadModel", prerequisite="session",
       emulator="unload_model",
       doc="unloads the model from the server; later operations on it fail."),
    Op("T13", "training_client", "get_tokenizer", result="tokenizer", impl="client->impl->get_tokenizer()",
       doc="loads the tokenizer of the model: its repository on the Hugging Face Hub from get_info (the "
           "model's tokenizer_id, else the official client's rules on its name), the files fetched into "
           "the Hub cache, then read by libtinker's own tokenizer."),

    # SamplingClient
    Op("P1", "sampling_client", "sample",
       params=[P("prompt", "model_input"), P("num_samples", "count"), P("params", "sampling_params?"),
               P("include_prompt_logprobs", "flag"), P("topk_prompt_logprobs", "topk")],
       result="sample_response",
       impl="client->impl->sample({prompt}, {num_samples}, {params}, {include_prompt_logprobs}, "
            "{topk_prompt_logprobs}, err)",
       doc="samples num_samples continuations of the prompt; with include_prompt_logprobs also the prompt's "
           "logprobs, and with topk_prompt_logprobs > 0 the k most likely tokens at each prompt position."),
    Op("P2", "sampling_client", "compute_logprobs", params=[P("prompt", "model_input")], result="prompt_logprobs",
       impl="client->impl->compute_logprobs({prompt}, err)",
       doc="computes the logprob of each prompt token given the ones before it (none for the first)."),
    Op("P3", "sampling_client", "get_base_model", result="string", http=("GET", "/api/v1/samplers/{sampler_id}"),
       path_params={"sampler_id": "client:sampling_session_id"}, response="Sampler", returns="base_model",
       emulator="get_sampler",
       doc="asks the server for the name of the base model the sampler samples from."),
    Op("P4", "sampling_client", "get_tokenizer", result="tokenizer", impl="client->impl->get_tokenizer()",
       doc="loads the tokenizer of the sampler's base model (get_base_model), as the training client's "
           "get_tokenizer does from the model's name."),
]

_checkpoint = "/api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_id...}"
_by_ids = [P("training_run_id", "id"), P("checkpoint_id", "checkpoint_id")]
_by_ids_path = {"training_run_id": "param:training_run_id", "checkpoint_id": "param:checkpoint_id"}
_by_path = [P("tinker_path", "checkpoint_path")]
_by_path_path = {"training_run_id": "parsed:tinker_path:training_run_id",
                 "checkpoint_id": "parsed:tinker_path:checkpoint_id"}

OPS += [
    # RestClient (§2.4, §2.5, §2.6). Checkpoint ids ("weights/0001") travel unescaped, slash included.
    Op("R1", "rest_client", "get_training_run", params=[P("training_run_id", "id"), P("access_scope", "access_scope")],
       result="training_run", http=("GET", "/api/v1/training_runs/{training_run_id}"),
       path_params={"training_run_id": "param:training_run_id"}, query={"access_scope": "param:access_scope"},
       emulator="get_training_run",
       doc="fetches a training run: its base model, owner, LoRA rank, newest checkpoints and metadata."),
    Op("R2", "rest_client", "get_training_run_by_tinker_path", params=_by_path + [P("access_scope", "access_scope")],
       result="training_run", http=("GET", "/api/v1/training_runs/{training_run_id}"),
       path_params={"training_run_id": "parsed:tinker_path:training_run_id"},
       query={"access_scope": "param:access_scope"},
       doc="fetches the training run a checkpoint's tinker:// path belongs to."),
    Op("R3", "rest_client", "get_weights_info_by_tinker_path", params=_by_path, result="weights_info",
       http=("POST", "/api/v1/weights_info"), request="WeightsInfoRequest",
       doc="fetches what a checkpoint's weights are: base model, LoRA rank and which layers were trained."),
    Op("R4", "rest_client", "list_training_runs",
       params=[P("limit", "limit", default=20), P("offset", "offset"), P("access_scope", "access_scope"),
               P("project_id", "string?")],
       result="training_run_list", http=("GET", "/api/v1/training_runs"),
       query={"limit": "param:limit", "offset": "param:offset", "access_scope": "param:access_scope",
              "project_id": "param:project_id"},
       emulator="list_training_runs",
       doc="lists one page of training runs, optionally only those of one project (the official client's "
           "defaults: limit 20, offset 0)."),
    Op("R5", "rest_client", "list_checkpoints", params=[P("training_run_id", "id")], result="checkpoint_list",
       http=("GET", "/api/v1/training_runs/{training_run_id}/checkpoints"),
       path_params={"training_run_id": "param:training_run_id"}, emulator="list_checkpoints",
       doc="lists the checkpoints of a training run."),
    Op("R6", "rest_client", "list_user_checkpoints", params=[P("limit", "limit"), P("offset", "offset")],
       result="checkpoint_list", http=("GET", "/api/v1/checkpoints"),
       query={"limit": "param:limit", "offset": "param:offset"}, emulator="list_user_checkpoints",
       doc="lists one page of the caller's checkpoints over all their training runs, newest first "
           "(the official client's defaults: limit 100, offset 0)."),
    Op("R7", "rest_client", "get_checkpoint_archive_url", params=_by_ids, result="checkpoint_archive_url",
       http=("GET", _checkpoint + "/archive"), path_params=_by_ids_path, runner="run_archive_url",
       emulator="get_checkpoint_archive_url",
       doc="asks for a signed URL to download a checkpoint as a .tar.gz archive. The server's redirect is "
           "read, not followed; while the server builds the archive (HTTP 503) the request is sent again "
           "every 30 s, 6 times (tinker_client_options_set_archive_retry)."),
    Op("R8", "rest_client", "get_checkpoint_archive_url_from_tinker_path", params=_by_path,
       result="checkpoint_archive_url", http=("GET", _checkpoint + "/archive"), path_params=_by_path_path,
       runner="run_archive_url",
       doc="asks for a signed URL to download the checkpoint a tinker:// path names, as "
           "get_checkpoint_archive_url does."),
    Op("R9", "rest_client", "delete_checkpoint", params=_by_ids, http=("DELETE", _checkpoint),
       path_params=_by_ids_path, emulator="delete_checkpoint",
       doc="deletes a checkpoint."),
    Op("R10", "rest_client", "delete_checkpoint_from_tinker_path", params=_by_path, http=("DELETE", _checkpoint),
       path_params=_by_path_path, doc="deletes the checkpoint a tinker:// path names."),
    Op("R11", "rest_client", "publish_checkpoint", sdk=None, params=_by_ids, http=("POST", _checkpoint + "/publish"),
       conflict_is_final=True, path_params=_by_ids_path, emulator="publish_checkpoint",
       doc="publishes a checkpoint: other users can then see and load it. Publishing a public checkpoint "
           "fails (HTTP 409)."),
    Op("R12", "rest_client", "publish_checkpoint_from_tinker_path", params=_by_path,
       http=("POST", _checkpoint + "/publish"), conflict_is_final=True, path_params=_by_path_path,
       doc="publishes the checkpoint a tinker:// path names."),
    Op("R13", "rest_client", "unpublish_checkpoint", sdk=None, params=_by_ids, http=("DELETE", _checkpoint + "/publish"),
       conflict_is_final=True, path_params=_by_ids_path, emulator="unpublish_checkpoint",
       doc="makes a published checkpoint private again. Unpublishing a private checkpoint fails (HTTP 409)."),
    Op("R14", "rest_client", "unpublish_checkpoint_from_tinker_path", params=_by_path,
       http=("DELETE", _checkpoint + "/publish"), conflict_is_final=True, path_params=_by_path_path,
       doc="makes the checkpoint a tinker:// path names private again."),
    Op("R15", "rest_client", "set_checkpoint_ttl_from_tinker_path", params=_by_path + [P("ttl_seconds", "ttl")],
       http=("PUT", _checkpoint + "/ttl"), request="SetCheckpointTtlRequest", path_params=_by_path_path,
       emulator="set_checkpoint_ttl",
       doc="sets the time to live of the checkpoint a tinker:// path names, counted from now; 0 removes "
           "it (the checkpoint never expires)."),
    Op("R16", "rest_client", "get_session", params=[P("session_id", "id"), P("access_scope", "access_scope")],
       result="session", http=("GET", "/api/v1/sessions/{session_id}"),
       path_params={"session_id": "param:session_id"}, query={"access_scope": "param:access_scope"},
       emulator="get_session",
       doc="fetches a session: the training runs and samplers made in it."),
    Op("R17", "rest_client", "list_sessions",
       params=[P("limit", "limit", default=20), P("offset", "offset"), P("access_scope", "access_scope")],
       result="session_list", http=("GET", "/api/v1/sessions"),
       query={"limit": "param:limit", "offset": "param:offset", "access_scope": "param:access_scope"},
       emulator="list_sessions",
       doc="lists one page of session ids (the official client's defaults: limit 20, offset 0)."),
    Op("R18", "rest_client", "assign_session_project", params=[P("session_id", "id"), P("project_id", "id")],
       http=("PUT", "/api/v1/sessions/{session_id}/project"), request="AssignSessionProjectRequest",
       path_params={"session_id": "param:session_id"}, emulator="assign_session_project",
       doc="assigns a session to a project."),
    Op("R19", "rest_client", "export_session_trace", params=[P("session_id", "id")], result="string",
       http=("GET", "/api/v1/sessions/{session_id}/trace_export"), path_params={"session_id": "param:session_id"},
       response="TraceExport", returns="url", runner="run_trace_export",
       emulator="export_session_trace",
       doc="exports a session's trace and returns the URL it downloads from. The export is asked for again "
           "every 5 s (tinker_client_options_set_trace_poll_interval_ms) until it is ready; an export the "
           "server reports failed ends with REQUEST_FAILED and the server's reason."),
    Op("R20", "rest_client", "get_sampler", params=[P("sampler_id", "id")], result="sampler",
       http=("GET", "/api/v1/samplers/{sampler_id}"), path_params={"sampler_id": "param:sampler_id"},
       doc="fetches a sampler: its base model and the checkpoint it samples."),
    Op("R21", "rest_client", "get_audit_log", params=[P("event_type", "audit_event_type"), P("day", "day?")],
       result="audit_log", http=("GET", "/api/v1/audit"), query={"event_type": "param:event_type", "day": "param:day"},
       emulator="get_audit_log",
       doc="fetches audit log entries: all events, or only checkpoint events, optionally of one day (UTC)."),
    Op("R22", "rest_client", "get_billing_usage",
       params=[P("starting_on", "timestamp"), P("ending_before", "timestamp")], result="billing_usage",
       http=("GET", "/api/v1/billing/usage/events"),
       query={"starting_on": "param:starting_on", "ending_before": "param:ending_before"},
       emulator="get_billing_usage",
       doc="fetches usage events in hourly buckets between two times (RFC 3339; the server wants whole UTC "
           "hours, a window of at most 14 days, not in the future) and the sessions they name."),
    Op("R23", "rest_client", "whoami", result="whoami", impl="client->impl->whoami(err)",
       doc="says who the caller is, from the claims of the JWT the client authenticates with (no request "
           "of its own). Fails with UNIMPLEMENTED when the server does not use JWTs and the credential is a "
           "plain API key."),
]

# Per-operation values of request fields whose source is "op:<name>".
OP_VALUES = {
    "load_state": {"optimizer": "false"},
    "load_state_with_optimizer": {"optimizer": "true"},
}
