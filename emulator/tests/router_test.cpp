// Unit test of the emulator's router (src/router.h): "{name}" and "{name...}" parameters, a
// "{name...}" in the middle of a pattern (the checkpoint REST routes), which route wins when
// several match, 404/405 information and percent-decoding. Prints "N passed, M failed"; exits 1
// on any failure.
#include <cstdio>
#include <string>

#include "router.h"

namespace {

int passed = 0;
int failed = 0;

void check(const std::string& name, bool ok, const std::string& detail = "") {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    std::fprintf(stderr, "FAIL: %s%s%s\n", name.c_str(), detail.empty() ? "" : ": ", detail.c_str());
  }
}

// The route's pattern (which route answered), or "404" / "405".
std::string routed(const emu::Router& r, const std::string& method, const std::string& path,
                   emu::RouteMatch* out = nullptr) {
  emu::RouteMatch m = r.match(method, path);
  std::string what = m.route != nullptr ? m.route->method + " " + m.route->pattern
                                        : (m.path_known ? "405" : "404");
  if (out != nullptr) *out = std::move(m);
  return what;
}

std::string param(const emu::RouteMatch& m, const std::string& name) {
  auto it = m.params.find(name);
  return it == m.params.end() ? "<absent>" : it->second;
}

void add(emu::Router& r, const char* method, const char* pattern) {
  r.add({method, pattern, emu::AuthMode::kSession, emu::BodyMode::kIgnore, nullptr});
}

const char* kDelete = "/api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_id...}";
const char* kPublish = "/api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_id...}/publish";
const char* kTtl = "/api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_id...}/ttl";
const char* kList = "/api/v1/training_runs/{training_run_id}/checkpoints";

}  // namespace

int main() {
  emu::Router r;
  add(r, "GET", "/api/v1/healthz");
  add(r, "GET", "/api/v1/samplers/{sampler_id}");
  add(r, "GET", "/files/{rest...}");
  // Registered with the least specific first, so that the specificity rule (not the order)
  // is what picks the publish and ttl routes.
  add(r, "DELETE", kDelete);
  add(r, "POST", kPublish);
  add(r, "DELETE", kPublish);
  add(r, "PUT", kTtl);
  add(r, "GET", kList);

  emu::RouteMatch m;
  check("literal route", routed(r, "GET", "/api/v1/healthz") == std::string("GET /api/v1/healthz"));
  check("unknown path -> 404", routed(r, "GET", "/api/v1/nope") == "404");
  check("wrong method -> 405 with Allow",
        routed(r, "POST", "/api/v1/healthz", &m) == "405" && m.allowed.size() == 1 && m.allowed[0] == "GET");

  check("{name}: one segment", routed(r, "GET", "/api/v1/samplers/S:sample:0", &m) ==
                                   "GET /api/v1/samplers/{sampler_id}" &&
                               param(m, "sampler_id") == "S:sample:0", param(m, "sampler_id"));
  check("{name}: not two segments", routed(r, "GET", "/api/v1/samplers/a/b") == "404");

  check("{name...} last: the rest of the path",
        routed(r, "GET", "/files/a/b/c", &m) == "GET /files/{rest...}" && param(m, "rest") == "a/b/c",
        param(m, "rest"));
  check("{name...}: at least one segment", routed(r, "GET", "/files") == "404" && routed(r, "GET", "/files/") == "404");

  const std::string run = "/api/v1/training_runs/S:train:0/checkpoints";
  check("run listing", routed(r, "GET", run, &m) == std::string("GET ") + kList &&
                           param(m, "training_run_id") == "S:train:0");

  check("DELETE a checkpoint: id with its kind and slash",
        routed(r, "DELETE", run + "/weights/0001", &m) == std::string("DELETE ") + kDelete &&
            param(m, "training_run_id") == "S:train:0" && param(m, "checkpoint_id") == "weights/0001",
        param(m, "checkpoint_id"));
  check("POST .../publish: {name...} in the middle",
        routed(r, "POST", run + "/weights/0001/publish", &m) == std::string("POST ") + kPublish &&
            param(m, "checkpoint_id") == "weights/0001",
        param(m, "checkpoint_id"));
  check("DELETE .../publish is unpublish, not a delete of \"weights/0001/publish\"",
        routed(r, "DELETE", run + "/sampler_weights/final/publish", &m) == std::string("DELETE ") + kPublish &&
            param(m, "checkpoint_id") == "sampler_weights/final",
        param(m, "checkpoint_id"));
  check("PUT .../ttl", routed(r, "PUT", run + "/weights/x/ttl", &m) == std::string("PUT ") + kTtl &&
                           param(m, "checkpoint_id") == "weights/x" &&
                           param(m, "training_run_id") == "S:train:0",
        param(m, "checkpoint_id"));
  check("shortest match: a checkpoint named publish",
        routed(r, "POST", run + "/weights/publish/publish", &m) == std::string("POST ") + kPublish &&
            param(m, "checkpoint_id") == "weights/publish",
        param(m, "checkpoint_id"));
  check("shortest match: a checkpoint named ttl",
        routed(r, "PUT", run + "/weights/ttl/ttl", &m) == std::string("PUT ") + kTtl &&
            param(m, "checkpoint_id") == "weights/ttl",
        param(m, "checkpoint_id"));
  check("{name...} before a literal takes more segments when it must",
        routed(r, "POST", run + "/a/b/c/publish", &m) == std::string("POST ") + kPublish &&
            param(m, "checkpoint_id") == "a/b/c",
        param(m, "checkpoint_id"));
  check("{name...} in the middle needs one segment",
        routed(r, "POST", run + "/publish") == "405" && routed(r, "DELETE", run + "/publish", &m) ==
                                                            std::string("DELETE ") + kDelete &&
            param(m, "checkpoint_id") == "publish");
  check("GET on a checkpoint path -> 405 (DELETE allowed)",
        routed(r, "GET", run + "/weights/x", &m) == "405" && m.allowed.size() == 1 && m.allowed[0] == "DELETE");
  check("GET on .../ttl -> 405 naming PUT",
        routed(r, "GET", run + "/weights/x/ttl", &m) == "405" &&
            [&] {
              for (const auto& a : m.allowed)
                if (a == "PUT") return true;
              return false;
            }());
  check("other prefixes do not match", routed(r, "DELETE", "/api/v1/training_runs/R/other/weights/x") == "404");

  check("parameters are percent-decoded",
        routed(r, "DELETE", "/api/v1/training_runs/run%201/checkpoints/weights/a%25b%2Fc", &m) ==
                std::string("DELETE ") + kDelete &&
            param(m, "training_run_id") == "run 1" && param(m, "checkpoint_id") == "weights/a%b/c",
        param(m, "training_run_id") + " " + param(m, "checkpoint_id"));
  check("percent_decode keeps malformed escapes",
        emu::Router::percent_decode("a%zz%4") == "a%zz%4" && emu::Router::percent_decode("%41%62") == "Ab");

  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
