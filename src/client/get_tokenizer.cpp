#include "client/get_tokenizer.h"

#include <sys/stat.h>

#include <map>
#include <mutex>

#include "client/api_ops.h"
#include "client/sampling_client.h"
#include "client/step_chain.h"
#include "client/training_client.h"
#include "core/saturating_time.h"
#include "hub/hub_settings.h"
#include "hub/repo_id.h"
#include "hub/tokenizer_snapshot.h"
#include "tokenizer/error.h"
#include "tokenizer/load_path.h"

namespace tinker {

namespace {

constexpr const char* kWhat = "get_tokenizer";

Error prefixed(const Error& e) {
  Error out = e;
  out.message = std::string(kWhat) + ": " + e.message;
  return out;
}

// Loaded tokenizers by the identity of their files, so that the clients of a training loop
// share one copy (a Qwen3 tokenizer is tens of MB) and a second get_tokenizer skips the load.
// Entries are weak: the last handle freed frees the tokenizer. Never destroyed, because a load
// on a runtime's worker thread may finish while the process exits.
struct LoadedTokenizers {
  std::mutex mu;
  std::map<std::string, std::weak_ptr<const tok::Tokenizer>> by_files;
};

LoadedTokenizers& loaded() {
  static auto* l = new LoadedTokenizers;
  return *l;
}

// A snapshot directory's files as the file system has them now (device, inode, size, time of
// each), so that a file replaced in the cache is loaded again.
std::string files_identity(const std::string& dir) {
  std::string id = dir;
  for (const char* name : {"/tokenizer.json", "/tokenizer_config.json"}) {
    struct stat st;
    if (::stat((dir + name).c_str(), &st) != 0) {
      id += "|-";
      continue;
    }
    id += "|" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
          std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
  }
  return id;
}

std::shared_ptr<const tok::Tokenizer> find_loaded(const std::string& key) {
  auto& l = loaded();
  std::lock_guard<std::mutex> lk(l.mu);
  auto it = l.by_files.find(key);
  return it == l.by_files.end() ? nullptr : it->second.lock();
}

void remember_loaded(const std::string& key, const std::shared_ptr<const tok::Tokenizer>& t) {
  auto& l = loaded();
  std::lock_guard<std::mutex> lk(l.mu);
  for (auto it = l.by_files.begin(); it != l.by_files.end();)
    it = it->second.expired() ? l.by_files.erase(it) : std::next(it);
  l.by_files[key] = t;
}

// The Hub settings of a client: its options over the environment's (huggingface_hub's variables).
hub::HubSettings hub_settings_of(const ClientOptions& o) {
  hub::HubSettings s = hub::HubSettings::environment_defaults();
  if (o.hub_endpoint) s.endpoint = *o.hub_endpoint;
  if (o.hub_token) s.token = *o.hub_token;
  if (o.hub_cache_dir) s.cache_dir = *o.hub_cache_dir;
  if (o.hub_offline) s.offline = *o.hub_offline;
  return s;
}

// One get_tokenizer: its steps, the client (weak: a chain must never keep a runtime alive from
// the runtime's own threads), and what the steps learn on the way.
struct GetTokenizer {
  std::shared_ptr<StepChain> steps;
  std::weak_ptr<ClientContext> ctx;
  Clock::time_point started;
  int64_t deadline_ms = 0;
  std::string repo;

  void fail(const Error& e) { steps->future()->fail(e); }
  void finish(std::shared_ptr<const tok::Tokenizer> t) {
    auto res = std::make_unique<TokenizerResult>();
    res->tokenizer = std::move(t);
    steps->future()->complete(std::move(res));
  }
};

Error shutting_down() {
  return make_error(TINKER_E_CANCELLED, std::string(kWhat) + ": the client is shutting down");
}

// The last step, on the runtime's worker thread: the files of `dir` become a tokenizer.
void load(const std::shared_ptr<GetTokenizer>& g, const std::string& dir, const std::string& key) {
  if (g->steps->future()->done()) return;  // cancelled while queued
  try {
    std::shared_ptr<const tok::Tokenizer> t = tok::load_path(dir);
    remember_loaded(key, t);
    g->finish(std::move(t));
  } catch (const tok::TokenizerError& e) {
    g->fail(make_error(e.code(), std::string(kWhat) + ": the tokenizer of " + g->repo + ": " + e.what()));
  } catch (...) {
    g->fail(current_exception_error(kWhat));
  }
}

// Fetch done (IO thread): a tokenizer already loaded from the same files, or a load queued.
void after_fetch(const std::shared_ptr<GetTokenizer>& g, Runtime* rt, const Error* error, const std::string& dir) {
  g->steps->step_ended();
  if (error) return g->fail(prefixed(*error));
  if (g->steps->future()->done()) return;
  const std::string key = files_identity(dir);
  if (auto t = find_loaded(key)) return g->finish(std::move(t));
  if (!rt->run_in_background([g, dir, key] { load(g, dir, key); })) g->fail(shutting_down());
}

// First step done (IO thread): its result names the model; the repository follows from it.
void after_first(const std::shared_ptr<GetTokenizer>& g, ResultKind kind, const ReadModel& read, FutureState& f) {
  auto ctx = g->ctx.lock();
  if (!ctx) return g->fail(shutting_down());
  std::unique_ptr<Result> r;
  if (f.take(kind, &r) != TINKER_OK || !r)
    return g->fail(make_error(TINKER_E_INTERNAL, std::string(kWhat) + ": the model's description was lost"));
  const TokenizerModel model = read(*r);
  Error err;
  if (!hub::tokenizer_repo_for(model.name, model.tokenizer_id, &g->repo, &err)) return g->fail(prefixed(err));
  Runtime& rt = ctx->runtime();
  const int64_t left = deadline_left_ms(g->deadline_ms, g->started, rt.now());
  if (left < 0)
    return g->fail(make_error(TINKER_E_DEADLINE_EXCEEDED,
                              std::string(kWhat) + ": deadline of " + std::to_string(g->deadline_ms) + " ms exceeded"));
  hub::HubSettings settings = hub_settings_of(ctx->options());
  ctx->remember_secret(settings.token);
  Runtime* runtime = &rt;
  g->steps->set_stop(hub::fetch_tokenizer_snapshot(
      rt, ctx->logger(), g->repo, std::move(settings), left,
      [g, runtime](const Error* e, const std::string& dir) { after_fetch(g, runtime, e, dir); }));
}

}  // namespace

std::shared_ptr<FutureState> start_get_tokenizer(const std::shared_ptr<ClientContext>& ctx, CallSpec first,
                                                 ResultKind first_kind, ReadModel read) {
  auto g = std::make_shared<GetTokenizer>();
  g->steps = StepChain::make(*ctx, &result_types::Tokenizer);
  g->ctx = ctx;
  g->started = ctx->runtime().now();
  g->deadline_ms = ctx->options().default_deadline_ms;
  first.what = kWhat;
  g->steps->run(std::move(first), first_kind,
                [g, first_kind, read = std::move(read)](FutureState& f) { after_first(g, first_kind, read, f); });
  return g->steps->future();
}

std::shared_ptr<FutureState> TrainingClient::get_tokenizer() {
  wire::api::GetInfoRequest req;
  req.model_id = model_id();
  return start_get_tokenizer(ctx_, json_call(ops::get_info, wire::api::encode_json(req)), ops::get_info.result,
                             [](Result& r) {
                               const auto& info = static_cast<tinker_model_info&>(r).m;
                               return TokenizerModel{info.model_name, info.tokenizer_id};
                             });
}

std::shared_ptr<FutureState> SamplingClient::get_tokenizer() {
  std::string path = expand_path(ops::get_base_model.path, {{"sampler_id", sampling_session_id_}});
  return start_get_tokenizer(ctx_, json_call(ops::get_base_model, "", std::move(path)), ops::get_base_model.result,
                             [](Result& r) { return TokenizerModel{static_cast<tinker_string&>(r).value, ""}; });
}

}  // namespace tinker
