// The C interface of the tokenizer (include/tinker/tokenizer.h): arguments checked, errors into
// the thread's record, arrays and strings handed out malloc'ed for tinker_free.
#include <cstdlib>
#include <cstring>

#include "capi/handles.h"
#include "core/error.h"
#include "tinker/tokenizer.h"
#include "tokenizer/batch.h"
#include "tokenizer/error.h"
#include "tokenizer/load_path.h"
#include "tokenizer/tokenizer.h"

using namespace tinker;

namespace {

// Runs a tokenizer body, turning a TokenizerError into the error record.
template <class F>
tinker_status_t run(const char* fn, F&& body) {
  try {
    return body();
  } catch (const tok::TokenizerError& e) {
    return capi::fail(e.code(), std::string(fn) + ": " + e.what());
  }
}

tinker_status_t hand_out_ids(const char* fn, const std::vector<int32_t>& ids, int32_t** out, size_t* count) {
  int32_t* p = nullptr;
  if (!ids.empty()) {
    p = static_cast<int32_t*>(std::malloc(ids.size() * sizeof(int32_t)));
    if (!p) return capi::fail(TINKER_E_RESOURCE_EXHAUSTED, std::string(fn) + ": out of memory");
    std::memcpy(p, ids.data(), ids.size() * sizeof(int32_t));
  }
  *out = p;
  *count = ids.size();
  return TINKER_OK;
}

tinker_status_t load(const char* fn, std::string_view json, const std::string_view* config, tinker_tokenizer** out) {
  return run(fn, [&] {
    *out = new tinker_tokenizer{tok::Tokenizer::load(json, config)};
    return TINKER_OK;
  });
}

}  // namespace

extern "C" {

TINKER_API tinker_status_t tinker_tokenizer_load_file(const char* path, tinker_tokenizer** out) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    TINKER_CHECK_ARG(fn, path);
    return run(fn, [&] {
      *out = new tinker_tokenizer{tok::load_path(path)};
      return TINKER_OK;
    });
  });
}

TINKER_API tinker_status_t tinker_tokenizer_load_memory(const char* json, size_t length, const char* config,
                                                        size_t config_length, tinker_tokenizer** out) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    TINKER_CHECK_ARG(fn, json);
    if (!config && config_length > 0) return capi::null_argument(fn, "config");
    std::string_view config_view(config ? config : "", config_length);
    return load(fn, std::string_view(json, length), config ? &config_view : nullptr, out);
  });
}

TINKER_API void tinker_tokenizer_free(tinker_tokenizer* tokenizer) { delete tokenizer; }

TINKER_API tinker_status_t tinker_tokenizer_encode(const tinker_tokenizer* tokenizer, const char* text, size_t length,
                                                   int add_special_tokens, int32_t** ids, size_t* count) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, ids);
    TINKER_CHECK_ARG(fn, tokenizer);
    TINKER_CHECK_ARG(fn, count);
    if (!text && length > 0) return capi::null_argument(fn, "text");
    return run(fn, [&] {
      return hand_out_ids(fn, tokenizer->impl->encode(std::string_view(text ? text : "", length), add_special_tokens != 0),
                          ids, count);
    });
  });
}

TINKER_API tinker_status_t tinker_tokenizer_encode_batch(const tinker_tokenizer* tokenizer, const char* const* texts,
                                                         const size_t* lengths, size_t n, size_t threads,
                                                         int add_special_tokens, int32_t** ids, size_t* counts) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_ARG(fn, tokenizer);
    if (n == 0) return TINKER_OK;
    TINKER_CHECK_ARG(fn, ids);
    for (size_t i = 0; i < n; ++i) ids[i] = nullptr;
    TINKER_CHECK_ARG(fn, texts);
    TINKER_CHECK_ARG(fn, lengths);
    TINKER_CHECK_ARG(fn, counts);
    for (size_t i = 0; i < n; ++i) {
      if (!texts[i] && lengths[i] > 0)
        return capi::fail(TINKER_E_INVALID_ARGUMENT, std::string(fn) + ": texts[" + std::to_string(i) + "] is NULL");
    }
    // Each job keeps its own outcome (a worker thread must not let an exception escape); the
    // first failure in input order is reported.
    std::vector<std::vector<int32_t>> results(n);
    std::vector<Error> errors(n);
    tok::run_parallel(n, threads, [&](size_t i) {
      const auto what = [&] { return std::string(fn) + ": texts[" + std::to_string(i) + "]"; };
      try {
        results[i] = tokenizer->impl->encode(std::string_view(texts[i] ? texts[i] : "", lengths[i]), add_special_tokens != 0);
      } catch (const tok::TokenizerError& e) {
        errors[i] = make_error(e.code(), what() + ": " + e.what());
      } catch (...) {
        errors[i] = current_exception_error(what());
      }
    });
    for (const Error& e : errors) {
      if (e.code != TINKER_OK) return capi::fail(e.code, e.message);
    }
    for (size_t i = 0; i < n; ++i) {
      if (tinker_status_t s = hand_out_ids(fn, results[i], &ids[i], &counts[i]); s != TINKER_OK) {
        for (size_t j = 0; j < i; ++j) {
          std::free(ids[j]);
          ids[j] = nullptr;
        }
        return s;
      }
    }
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_tokenizer_decode(const tinker_tokenizer* tokenizer, const int32_t* ids, size_t count,
                                                   int skip_special_tokens, size_t* length, char** out) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    TINKER_CHECK_ARG(fn, tokenizer);
    if (!ids && count > 0) return capi::null_argument(fn, "ids");
    return run(fn, [&] {
      std::string text = tokenizer->impl->decode(ids, count, skip_special_tokens != 0);
      tinker_status_t s = capi::out_string(fn, text, out);
      if (s == TINKER_OK && length) *length = text.size();
      return s;
    });
  });
}

TINKER_API int32_t tinker_tokenizer_token_to_id(const tinker_tokenizer* tokenizer, const char* token) {
  if (!tokenizer || !token) return -1;
  return capi::guard_value<int32_t>(-1, [&] { return tokenizer->impl->token_to_id(token); });
}

TINKER_API const char* tinker_tokenizer_id_to_token(const tinker_tokenizer* tokenizer, int32_t id) {
  if (!tokenizer) return nullptr;
  // Both the vocabulary's pool and an added token's std::string keep a NUL after the text.
  return tokenizer->impl->id_to_token(id).data();
}

TINKER_API size_t tinker_tokenizer_vocab_size(const tinker_tokenizer* tokenizer) {
  return tokenizer ? tokenizer->impl->vocab_size() : 0;
}

static const char* named_content(const tok::NamedToken& t) { return t.content ? t.content->c_str() : nullptr; }

TINKER_API const char* tinker_tokenizer_bos_token(const tinker_tokenizer* tokenizer) {
  return tokenizer ? named_content(tokenizer->impl->bos()) : nullptr;
}
TINKER_API int32_t tinker_tokenizer_bos_token_id(const tinker_tokenizer* tokenizer) {
  return tokenizer ? tokenizer->impl->bos().id : -1;
}
TINKER_API const char* tinker_tokenizer_eos_token(const tinker_tokenizer* tokenizer) {
  return tokenizer ? named_content(tokenizer->impl->eos()) : nullptr;
}
TINKER_API int32_t tinker_tokenizer_eos_token_id(const tinker_tokenizer* tokenizer) {
  return tokenizer ? tokenizer->impl->eos().id : -1;
}
TINKER_API const char* tinker_tokenizer_pad_token(const tinker_tokenizer* tokenizer) {
  return tokenizer ? named_content(tokenizer->impl->pad()) : nullptr;
}
TINKER_API int32_t tinker_tokenizer_pad_token_id(const tinker_tokenizer* tokenizer) {
  return tokenizer ? tokenizer->impl->pad().id : -1;
}

TINKER_API size_t tinker_tokenizer_added_token_count(const tinker_tokenizer* tokenizer) {
  return tokenizer ? tokenizer->impl->added_tokens().size() : 0;
}
TINKER_API const char* tinker_tokenizer_added_token_content(const tinker_tokenizer* tokenizer, size_t index) {
  if (!tokenizer || index >= tokenizer->impl->added_tokens().size()) return nullptr;
  return tokenizer->impl->added_tokens()[index].content.c_str();
}
TINKER_API int32_t tinker_tokenizer_added_token_id(const tinker_tokenizer* tokenizer, size_t index) {
  if (!tokenizer || index >= tokenizer->impl->added_tokens().size()) return -1;
  return tokenizer->impl->added_tokens()[index].id;
}
TINKER_API int tinker_tokenizer_added_token_is_special(const tinker_tokenizer* tokenizer, size_t index) {
  if (!tokenizer || index >= tokenizer->impl->added_tokens().size()) return 0;
  return tokenizer->impl->added_tokens()[index].special ? 1 : 0;
}

}  // extern "C"
