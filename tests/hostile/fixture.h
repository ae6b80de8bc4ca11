// What the hostile-server test programs share: one hostile proxy in front of the emulator,
// clients pointed at it with a distinctive API key, every call run blocking and _async, and the
// evidence every call leaves (log lines, error messages, requests on the wire) so that each
// program can end by checking that the key leaked nowhere.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "capi/handles.h"  // before the harness: CMocka defines a fail() macro
#include "../integration/harness.h"
#include "hostile_server.h"

namespace hfix {

using itest::Outcome;

// The key every client here uses: a prefix the emulator accepts and a secret part long
// enough that any 8-character piece of it is unmistakable.
extern const std::string kKey;

// The proxy (forwarding to the emulator at TINKER_BASE_URL). Made by group_setup.
hostile::Server& proxy();
int group_setup(void** state);
int group_teardown(void** state);
// Per test: the harness's setup (fresh emulator state) plus no rules and an empty proxy log.
int setup(void** state);
int teardown(void** state);

// fast_options() pointed at `base_url` (the proxy by default) with kKey and a log callback
// that records every message (debug and up) as evidence.
tinker_client_options_t* options(const std::string& base_url = "");
// A tracked client from options() after `tune(o)`.
tinker_service_client_t* client(void (*tune)(tinker_client_options_t*) = nullptr, const std::string& base_url = "");

enum class Form { Blocking, Async };
extern const Form kForms[2];
const char* name(Form f);

// One operation in either form, its outcome recorded as evidence.
Outcome capabilities(tinker_service_client_t* c, Form f);
Outcome health(tinker_service_client_t* c, Form f);
Outcome start_session(tinker_service_client_t* c, Form f);
Outcome forward(tinker_training_client_t* tc, const itest::TrainBatch& b, Form f);
Outcome custom_begin(tinker_training_client_t* tc, const itest::TrainBatch& b, Form f);

// Records a message (an error the test produced by other means) as evidence.
void note_message(const std::string& m);
// Every log message so far, and those containing `needle`.
std::vector<std::string> logs();
size_t logs_containing(const std::string& needle);
// Keeps the requests a second server saw (a redirect target) as wire evidence.
void note_wire(const std::vector<hostile::Request>& requests);

// The key, or any 8 characters of its secret part, in no log line and no error message; on the
// wire only as the X-API-Key header of requests to the proxy.
void assert_key_never_leaked();

// Rule helpers.
hostile::Rule answer(const std::string& path, std::function<void(const hostile::Request&, hostile::Conn&)> fn,
                     int times = -1);
hostile::Rule reply(const std::string& path, const hostile::Reply& r, int times = -1);
hostile::Rule edit(const std::string& path, std::function<void(const hostile::Request&, hostile::Reply&)> fn,
                   int times = -1);

// A JWT (unsigned: the client never checks signatures) whose payload is `payload_json`.
std::string jwt(const std::string& payload_json);
// Rules that let a session start without the emulator: config (with `config_json`), token
// (`token_json`), dynamic config (`dynamic` status and body), create_session, heartbeats.
void scripted_startup(const std::string& config_json, const std::string& token_json = "",
                      const hostile::Reply& dynamic = hostile::json_reply(404, "{}"));

}  // namespace hfix
