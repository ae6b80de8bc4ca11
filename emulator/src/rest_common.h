// What the REST handlers share (handlers_rest.cpp, handlers_runs.cpp, handlers_archive.cpp,
// handlers_trace.cpp, handlers_audit.cpp, handlers_billing.cpp): the wire form of a checkpoint,
// the paging and access-scope query parameters, and absolute URLs of the emulator's own files.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "checkpoints.h"
#include "wire/api_messages.h"

namespace emu {

class App;
class Exchange;

// A checkpoint as the REST API shows it (§7.14).
tinker::wire::api::Checkpoint checkpoint_to_wire(const CheckpointRecord& r);

// The limit and offset query parameters of a paged listing: false after answering 400 when
// either is malformed or out of range (limit 1..1000, offset >= 0).
bool page_params(App& app, Exchange* ex, int64_t default_limit, int64_t* limit, int64_t* offset);

// The access_scope query parameter: "owned" (also when absent) or "accessible"; false after
// answering 400 for anything else.
bool access_scope(App& app, Exchange* ex, bool* accessible);

// The caller's listed checkpoints (of one run when `run_id` is given), in save order, without the
// ephemeral sampler checkpoints of unnamed saves.
std::vector<CheckpointRecord> listed_checkpoints(App& app, const std::string& user, const std::string* run_id);

// The tinker:// path of (run, checkpoint id "<kind>/<name>"); false after answering 400 for a
// malformed id.
bool checkpoint_path(App& app, Exchange* ex, const std::string& run_id, const std::string& id,
                     std::string* path);

// A file still being prepared (a checkpoint archive, a trace export) is waited for a little before
// "not yet" (503, pending) is answered: a client that is told "not yet" asks again only after
// the official schedule (30 s, 5 s), which for a file ready a few milliseconds later is all wait.
// Test settings that ask for "not yet" (archive_build_ms, trace_export_pending_polls) turn it off.
inline constexpr int64_t kPreparedFileHoldMs = 2000;
// While `until_ms` (loop time) has not passed, runs `again` (the handler once more) in a few
// milliseconds and says true; false when the time is up.
bool ask_again_shortly(App& app, double until_ms, std::function<void()> again);

// "http://<host>/<path>": the Host the client used (so the URL works from where it asked),
// else the address the emulator listens on.
std::string absolute_url(App& app, const Exchange* ex, const std::string& path);

}  // namespace emu
