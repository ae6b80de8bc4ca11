// Cursors over every page of a listing: the caller's checkpoints (tinker_checkpoint_cursor_*, on
// list_user_checkpoints) and training runs (tinker_training_run_cursor_*, on list_training_runs).
// Each _next asks for the page after the last one it returned.
#include "capi/handles.h"
#include "capi/op.h"

using namespace tinker;

namespace {

struct Paging {
  tinker_rest_client_t* client;
  int64_t page_size;
  int64_t offset = 0;
  bool done = false;
};

tinker_status_t check_page_size(const char* fn, int64_t page_size) {
  if (page_size < 1)
    return capi::fail(TINKER_E_INVALID_ARGUMENT,
                      std::string(fn) + ": page_size must be >= 1, got " + std::to_string(page_size));
  return TINKER_OK;
}

// The one paging step of every cursor: `fetch(limit, offset, &list)` asks for a page.
template <class List, class Fetch>
tinker_status_t next_page(Paging& p, List** page, Fetch fetch, size_t (*count_of)(const List*),
                          int64_t (*total_of)(const List*), void (*free_list)(List*)) {
  if (p.done) return TINKER_OK;
  List* list = nullptr;
  // A failure leaves the cursor where it was: the next call asks for the same page again.
  const tinker_status_t s = fetch(p.page_size, p.offset, &list);
  if (s != TINKER_OK) return s;
  const auto count = static_cast<int64_t>(count_of(list));
  const int64_t total = total_of(list);
  p.offset += count;
  // The end: the server's total reached, or, from a server that sends no cursor, a short page.
  // An empty page always ends it, so a server that keeps counting more cannot loop it for ever.
  p.done = count == 0 || (total >= 0 ? p.offset >= total : count < p.page_size);
  if (count == 0) {
    free_list(list);
    return TINKER_OK;
  }
  *page = list;
  return TINKER_OK;
}

}  // namespace

struct tinker_checkpoint_cursor {
  Paging paging;
};

struct tinker_training_run_cursor {
  Paging paging;
  std::string access_scope;
  std::string project_id;  // "" = every project
};

extern "C" {

TINKER_API tinker_status_t tinker_rest_client_user_checkpoints_cursor(tinker_rest_client_t* client, int64_t page_size,
                                                                      tinker_checkpoint_cursor_t** out) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    TINKER_CHECK_ARG(fn, client);
    if (tinker_status_t s = check_page_size(fn, page_size)) return s;
    *out = new tinker_checkpoint_cursor{Paging{client, page_size}};
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_checkpoint_cursor_next(tinker_checkpoint_cursor_t* cursor,
                                                        tinker_checkpoint_list_t** page) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, page);
    TINKER_CHECK_ARG(fn, cursor);
    auto fetch = [&](int64_t limit, int64_t offset, tinker_checkpoint_list_t** list) {
      return tinker_rest_client_list_user_checkpoints(cursor->paging.client, limit, offset, list);
    };
    return next_page(cursor->paging, page, fetch, tinker_checkpoint_list_checkpoint_count,
                     tinker_checkpoint_list_total_count, tinker_checkpoint_list_free);
  });
}

TINKER_API void tinker_checkpoint_cursor_free(tinker_checkpoint_cursor_t* cursor) { delete cursor; }

TINKER_API tinker_status_t tinker_rest_client_training_runs_cursor(tinker_rest_client_t* client, int64_t page_size,
                                                                   const char* access_scope, const char* project_id,
                                                                   tinker_training_run_cursor_t** out) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    TINKER_CHECK_ARG(fn, client);
    if (tinker_status_t s = check_page_size(fn, page_size)) return s;
    if (tinker_status_t s = capi::check_access_scope(fn, "access_scope", access_scope)) return s;
    *out = new tinker_training_run_cursor{Paging{client, page_size}, capi::access_scope_or_owned(access_scope),
                                          capi::opt_string(project_id)};
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_training_run_cursor_next(tinker_training_run_cursor_t* cursor,
                                                           tinker_training_run_list_t** page) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, page);
    TINKER_CHECK_ARG(fn, cursor);
    auto fetch = [&](int64_t limit, int64_t offset, tinker_training_run_list_t** list) {
      return tinker_rest_client_list_training_runs(cursor->paging.client, limit, offset, cursor->access_scope.c_str(),
                                                   cursor->project_id.c_str(), list);
    };
    return next_page(cursor->paging, page, fetch, tinker_training_run_list_training_run_count,
                     tinker_training_run_list_total_count, tinker_training_run_list_free);
  });
}

TINKER_API void tinker_training_run_cursor_free(tinker_training_run_cursor_t* cursor) { delete cursor; }

}  // extern "C"
