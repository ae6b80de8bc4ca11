#include "fixture.h"

#include <algorithm>
#include <mutex>

namespace hfix {

const std::string kKey = "tml-5f1c0e9a7b2d4c68a1e3f0b9d7c54e21";
const Form kForms[2] = {Form::Blocking, Form::Async};

namespace {

std::unique_ptr<hostile::Server> g_proxy;

struct Evidence {
  std::mutex mu;
  std::vector<std::string> logs, messages;
  std::vector<hostile::Request> wire_proxy, wire_elsewhere;
};
Evidence& evidence() {
  static Evidence e;
  return e;
}

void on_log(tinker_log_level_t, const char* message, void*) {
  std::lock_guard<std::mutex> lk(evidence().mu);
  evidence().logs.emplace_back(message);
}

Outcome noted(Outcome o) {
  note_message(o.message);
  return o;
}

// Every 8-character window of the key's secret part (after "tml-").
std::vector<std::string> key_pieces() {
  std::vector<std::string> out;
  for (size_t i = 4; i + 8 <= kKey.size(); ++i) out.push_back(kKey.substr(i, 8));
  return out;
}

bool leaks(const std::string& text) {
  for (const auto& p : key_pieces())
    if (text.find(p) != std::string::npos) return true;
  return false;
}

// A request's head without its X-API-Key line.
std::string head_without_key(const hostile::Request& r) {
  std::string out;
  size_t at = 0;
  while (at < r.head.size()) {
    size_t e = r.head.find("\r\n", at);
    if (e == std::string::npos) e = r.head.size();
    std::string line = r.head.substr(at, e - at);
    std::string lower = line;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower.rfind("x-api-key:", 0) != 0) out += line + "\n";
    at = e + 2;
  }
  return out;
}

}  // namespace

hostile::Server& proxy() { return *g_proxy; }

int group_setup(void**) {
  g_proxy = std::make_unique<hostile::Server>(itest::base_url());
  return 0;
}

int group_teardown(void**) {
  g_proxy.reset();
  return 0;
}

int setup(void** state) {
  g_proxy->clear_rules();
  g_proxy->clear_requests();
  return itest::setup(state);
}

int teardown(void** state) {
  int r = itest::teardown(state);  // clients first: their requests end before the log is kept
  note_wire({});
  return r;
}

tinker_client_options_t* options(const std::string& base_url) {
  tinker_client_options_t* o = itest::fast_options();
  tinker_client_options_set_base_url(o, (base_url.empty() ? g_proxy->url() : base_url).c_str());
  tinker_client_options_set_api_key(o, kKey.c_str());
  tinker_client_options_set_log_callback(o, on_log, nullptr, TINKER_LOG_DEBUG);
  return o;
}

tinker_service_client_t* client(void (*tune)(tinker_client_options_t*), const std::string& base_url) {
  tinker_client_options_t* o = options(base_url);
  if (tune) tune(o);
  return itest::new_client(o);
}

const char* name(Form f) { return f == Form::Blocking ? "blocking" : "async"; }

Outcome capabilities(tinker_service_client_t* c, Form f) {
  if (f == Form::Blocking) {
    tinker_server_capabilities_t* caps = nullptr;
    Outcome o = itest::blocking_outcome(tinker_service_client_get_server_capabilities(c, &caps));
    tinker_server_capabilities_free(caps);
    return noted(o);
  }
  tinker_future_t* fut = nullptr;
  return noted(itest::async_outcome(tinker_service_client_get_server_capabilities_async(c, &fut), &fut));
}

Outcome health(tinker_service_client_t* c, Form f) {
  if (f == Form::Blocking) return noted(itest::blocking_outcome(tinker_service_client_health_check(c)));
  tinker_future_t* fut = nullptr;
  return noted(itest::async_outcome(tinker_service_client_health_check_async(c, &fut), &fut));
}

Outcome start_session(tinker_service_client_t* c, Form f) {
  if (f == Form::Blocking) return noted(itest::blocking_outcome(tinker_service_client_start_session(c)));
  tinker_future_t* fut = nullptr;
  return noted(itest::async_outcome(tinker_service_client_start_session_async(c, &fut), &fut));
}

Outcome forward(tinker_training_client_t* tc, const itest::TrainBatch& b, Form f) {
  if (f == Form::Blocking) {
    tinker_forward_backward_output_t* out = nullptr;
    // The call first: `out` is read after it (argument order is unspecified).
    const tinker_status_t s = tinker_training_client_forward(tc, b.get(), "cross_entropy", nullptr, &out);
    return noted(itest::blocking_fb_outcome(s, out, nullptr));
  }
  tinker_future_t* fut = nullptr;
  return noted(itest::async_fb_outcome(tinker_training_client_forward_async(tc, b.get(), "cross_entropy", nullptr, &fut),
                                       &fut, nullptr));
}

Outcome custom_begin(tinker_training_client_t* tc, const itest::TrainBatch& b, Form f) {
  if (f == Form::Blocking) {
    tinker_custom_loss_step_t* step = nullptr;
    Outcome o = itest::blocking_outcome(tinker_training_client_forward_backward_custom_begin(tc, b.get(), &step));
    tinker_custom_loss_step_free(step);
    return noted(o);
  }
  tinker_future_t* fut = nullptr;
  return noted(itest::async_outcome(tinker_training_client_forward_backward_custom_begin_async(tc, b.get(), &fut), &fut));
}

void note_message(const std::string& m) {
  std::lock_guard<std::mutex> lk(evidence().mu);
  evidence().messages.push_back(m);
}

std::vector<std::string> logs() {
  std::lock_guard<std::mutex> lk(evidence().mu);
  return evidence().logs;
}

size_t logs_containing(const std::string& needle) {
  auto all = logs();
  return static_cast<size_t>(std::count_if(all.begin(), all.end(), [&](const std::string& l) { return l.find(needle) != std::string::npos; }));
}

void note_wire(const std::vector<hostile::Request>& requests) {
  auto seen = g_proxy->requests();
  std::lock_guard<std::mutex> lk(evidence().mu);
  auto& e = evidence();
  e.wire_proxy.insert(e.wire_proxy.end(), seen.begin(), seen.end());
  e.wire_elsewhere.insert(e.wire_elsewhere.end(), requests.begin(), requests.end());
  g_proxy->clear_requests();
}

void assert_key_never_leaked() {
  Evidence e;
  {
    std::lock_guard<std::mutex> lk(evidence().mu);  // copied: CMocka's fail() must not skip an unlock
    e.logs = evidence().logs;
    e.messages = evidence().messages;
    e.wire_proxy = evidence().wire_proxy;
    e.wire_elsewhere = evidence().wire_elsewhere;
  }
  std::vector<std::string> leaked;
  size_t keyed = 0;
  for (const auto& l : e.logs)
    if (leaks(l)) leaked.push_back("log: " + l);
  for (const auto& m : e.messages)
    if (leaks(m)) leaked.push_back("message: " + m);
  for (const auto& r : e.wire_proxy) {
    if (leaks(head_without_key(r)) || leaks(r.body)) leaked.push_back("request: " + r.head + r.body);
    keyed += r.header("x-api-key") == kKey;
  }
  for (const auto& r : e.wire_elsewhere)
    if (leaks(r.head) || leaks(r.body)) leaked.push_back("request to another host: " + r.head);
  print_message("checked %zu log lines, %zu messages, %zu requests (%zu with the key as X-API-Key), %zu elsewhere\n",
                e.logs.size(), e.messages.size(), e.wire_proxy.size(), keyed, e.wire_elsewhere.size());
  for (const auto& l : leaked) print_error("the API key leaked into %s\n", l.substr(0, 2000).c_str());
  assert_true(leaked.empty());
  assert_true(keyed > 0);  // the sweep saw real traffic
}

hostile::Rule answer(const std::string& path, std::function<void(const hostile::Request&, hostile::Conn&)> fn, int times) {
  hostile::Rule r;
  r.path = path;
  r.remaining = times;
  r.answer = std::move(fn);
  return r;
}

hostile::Rule reply(const std::string& path, const hostile::Reply& rep, int times) {
  return answer(path, [rep](const hostile::Request&, hostile::Conn& c) { c.write(rep.serialize()); }, times);
}

hostile::Rule edit(const std::string& path, std::function<void(const hostile::Request&, hostile::Reply&)> fn, int times) {
  hostile::Rule r;
  r.path = path;
  r.remaining = times;
  r.edit = std::move(fn);
  return r;
}

static std::string base64url(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += t[(acc >> bits) & 63];
    }
  }
  if (bits) out += t[(acc << (6 - bits)) & 63];
  return out;
}

std::string jwt(const std::string& payload_json) {
  return base64url("{\"alg\":\"none\"}") + "." + base64url(payload_json) + ".c2ln";
}

void scripted_startup(const std::string& config_json, const std::string& token_json, const hostile::Reply& dynamic) {
  hostile::Server& p = proxy();
  p.add_rule(reply("/api/v1/client/config", hostile::json_reply(200, config_json)));
  if (!token_json.empty()) p.add_rule(reply("/api/v1/auth/token", hostile::json_reply(200, token_json)));
  p.add_rule(reply("/api/v1/client/dynamic_config", dynamic));
  p.add_rule(reply("/api/v1/create_session", hostile::json_reply(200, "{\"session_id\":\"hostile-session\"}")));
  p.add_rule(reply("/api/v1/session_heartbeat", hostile::json_reply(200, "{}")));
}

}  // namespace hfix
