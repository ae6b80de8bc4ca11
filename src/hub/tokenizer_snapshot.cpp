#include "hub/tokenizer_snapshot.h"

#include <memory>
#include <mutex>

#include "core/saturating_time.h"

namespace tinker::hub {

namespace {

// The two fetches of one snapshot and the cancel that stops either.
struct Chain {
  std::mutex mu;
  bool cancelled = false;
  std::function<void()> first, second;
};

}  // namespace

std::function<void()> fetch_tokenizer_snapshot(Runtime& rt, const Logger& logger, const std::string& repo,
                                               HubSettings settings, int64_t deadline_ms, FetchDone done) {
  auto chain = std::make_shared<Chain>();
  const Clock::time_point started = rt.now();
  Runtime* runtime = &rt;
  auto after_json = [=](const Error* error, const std::string& path) {
    if (error) return done(error, "");
    const std::string dir = path.substr(0, path.rfind('/'));
    const std::string commit = dir.substr(dir.rfind('/') + 1);  // snapshots/{commit}
    const int64_t left = deadline_left_ms(deadline_ms, started, runtime->now());
    if (left < 0) {
      Error e = make_error(TINKER_E_DEADLINE_EXCEEDED, "Hugging Face Hub: tokenizer files of " + repo +
                                                           ": deadline of " + std::to_string(deadline_ms) +
                                                           " ms exceeded");
      return done(&e, "");
    }
    std::unique_lock<std::mutex> lk(chain->mu);
    if (chain->cancelled) {
      lk.unlock();
      Error e = make_error(TINKER_E_CANCELLED, "Hugging Face Hub: tokenizer files of " + repo + ": cancelled");
      return done(&e, "");
    }
    chain->second = fetch_file(*runtime, logger, {repo, commit, "tokenizer_config.json"}, settings, left,
                               [done, dir](const Error* e, const std::string&) {
                                 if (e && e->code != TINKER_E_NOT_FOUND) return done(e, "");
                                 done(nullptr, dir);
                               });
  };
  auto first = fetch_file(rt, logger, {repo, "main", "tokenizer.json"}, settings, deadline_ms, after_json);
  {
    std::lock_guard<std::mutex> lk(chain->mu);
    chain->first = first;
  }
  return [chain] {
    std::function<void()> first, second;
    {
      std::lock_guard<std::mutex> lk(chain->mu);
      chain->cancelled = true;
      first = chain->first;
      second = chain->second;
    }
    if (first) first();  // a fetch that has ended ignores its cancel
    if (second) second();
  };
}

}  // namespace tinker::hub
