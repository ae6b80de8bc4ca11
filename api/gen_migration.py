#!/usr/bin/env python3
"""docs/migration.md from the registry: every operation under its official Python SDK name beside
its C, Go, Ruby and Java names, blocking and asynchronous, each language's names taken from the
generator that makes them, so the guide cannot drift from the code.

    api/gen_migration.py            print the guide
    api/gen_migration.py --check F  fail when F differs from it (a CTest test)
    api/gen_migration.py --write F  write it to F
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gen_c  # noqa: E402
import gen_go  # noqa: E402
import gen_java  # noqa: E402
import gen_ruby  # noqa: E402
import registry  # noqa: E402

CLIENTS = [("service_client", "ServiceClient"), ("training_client", "TrainingClient"),
           ("sampling_client", "SamplingClient"), ("rest_client", "RestClient")]

INTRO = """# Moving from the Python SDK

Every operation of the official Python SDK's four clients, with its name in C, Go, Ruby and Java.
Each has a blocking form and an asynchronous one: in C `tinker_<client>_<operation>` and
`…_async` (a `tinker_future_t`), in Go `Method(ctx, …)` and `MethodAsync(…)` (a `*Future`), in
Ruby `method` and `method_async` (a `Tinker::Future`), in Java `method(…)` and `methodAsync(…)`
(a `TinkerFuture`, a `CompletableFuture`). The Python SDK's `_async` twins correspond to the
asynchronous forms. Arguments keep their names and the SDK's defaults (the header and each
language's docs give them). Operations marked *beyond the SDK* have no Python counterpart.

This page is generated from the operation registry (`api/gen_migration.py`); a test fails when it
is out of date.
"""

OUTRO = """
## Not operations

| Python SDK | libtinker |
|---|---|
| `ServiceClient(api_key=…, base_url=…, …)` | C `tinker_service_client_new` with `tinker_client_options_*` (also from `TINKER_API_KEY`, `TINKER_BASE_URL`); Go `tinker.NewServiceClient(opts…)`; Ruby `Tinker::ServiceClient.new(**options)`; Java `ServiceClient.builder()…build()` |
| `ServiceClient.create_rest_client()` | C `tinker_service_client_create_rest_client`; Go `CreateRestClient`; Ruby `create_rest_client`; Java `createRestClient` |
| a `PreTrainedTokenizer` (`encode`, `decode`, `convert_tokens_to_ids`, …) | libtinker's own tokenizer: C `tinker_tokenizer_encode` / `_decode` / `_token_to_id` (`tokenizer.h`); Go `Tokenizer.Encode` / `Decode`; Ruby `Tokenizer#encode` / `#decode`; Java `Tokenizer.encode` / `decode`; chat templates are not applied |
| `APIFuture.result(timeout)` | C `tinker_future_wait` then `tinker_future_take_<result>`; Go `Future.Wait(ctx)`; Ruby `Future#wait(timeout)`; Java `TinkerFuture.get()` / `join()` (a `CompletableFuture`) |
"""


def row(op, go, java):
    blocking, asynchronous = (name for name, _ in gen_c.op_prototypes(op))
    python = "*beyond the SDK*" if op.sdk is None else f"`{op.sdk or op.name}`"
    cells = [python,
             f"`{blocking}` / `_async`",
             f"`{go[blocking].split('.', 1)[1]}` / `{go[asynchronous].split('.', 1)[1]}`",
             f"`{gen_ruby.op_label(op).split('#', 1)[1]}` / `{gen_ruby.op_label(op, '_async').split('#', 1)[1]}`",
             f"`{java[blocking].split('.', 1)[1]}` / `{java[asynchronous].split('.', 1)[1]}`"]
    return "| " + " | ".join(cells) + " |\n"


def guide():
    go = dict(gen_go.go_names())
    java = dict(gen_java.java_names())
    out = [INTRO]
    for client, cls in CLIENTS:
        out.append(f"\n## {cls}\n\n| Python SDK | C | Go | Ruby | Java |\n|---|---|---|---|---|\n")
        for op in registry.OPS:
            if op.client == client:
                out.append(row(op, go, java))
    out.append(OUTRO)
    return "".join(out)


def main(argv):
    text = guide()
    if len(argv) == 3 and argv[1] == "--check":
        with open(argv[2], encoding="utf-8") as f:
            if f.read() != text:
                sys.exit(f"gen_migration: {argv[2]} is out of date: run api/gen_migration.py --write {argv[2]}")
        print(f"gen_migration: {argv[2]} matches the registry")
    elif len(argv) == 3 and argv[1] == "--write":
        with open(argv[2], "w", encoding="utf-8") as f:
            f.write(text)
    elif len(argv) == 1:
        sys.stdout.write(text)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
