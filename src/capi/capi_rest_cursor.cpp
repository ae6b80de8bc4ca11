// A cursor over every page of the caller's checkpoints (tinker_checkpoint_cursor_*), on top of
// list_user_checkpoints: each _next asks for the page after the last one it returned.
#include "capi/handles.h"

using namespace tinker;

struct tinker_checkpoint_cursor {
  tinker_rest_client_t* client;
  int64_t page_size;
  int64_t offset = 0;
  bool done = false;
};

extern "C" {

TINKER_API tinker_status_t tinker_rest_client_user_checkpoints_cursor(tinker_rest_client_t* client, int64_t page_size,
                                                                      tinker_checkpoint_cursor_t** out) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, out);
    TINKER_CHECK_ARG(fn, client);
    if (page_size < 1)
      return capi::fail(TINKER_E_INVALID_ARGUMENT,
                        std::string(fn) + ": page_size must be >= 1, got " + std::to_string(page_size));
    *out = new tinker_checkpoint_cursor{client, page_size};
    return TINKER_OK;
  });
}

TINKER_API tinker_status_t tinker_checkpoint_cursor_next(tinker_checkpoint_cursor_t* cursor,
                                                        tinker_checkpoint_list_t** page) {
  return capi::guard(__func__, [&](const char* fn) -> tinker_status_t {
    TINKER_CHECK_OUT(fn, page);
    TINKER_CHECK_ARG(fn, cursor);
    if (cursor->done) return TINKER_OK;
    tinker_checkpoint_list_t* list = nullptr;
    // A failure leaves the cursor where it was: the next call asks for the same page again.
    const tinker_status_t s =
        tinker_rest_client_list_user_checkpoints(cursor->client, cursor->page_size, cursor->offset, &list);
    if (s != TINKER_OK) return s;
    const auto count = static_cast<int64_t>(tinker_checkpoint_list_checkpoint_count(list));
    const int64_t total = tinker_checkpoint_list_total_count(list);
    cursor->offset += count;
    // The end: the server's total reached, or, from a server that sends no cursor, a short page.
    // An empty page always ends it, so a server that keeps counting more cannot loop it for ever.
    cursor->done = count == 0 || (total >= 0 ? cursor->offset >= total : count < cursor->page_size);
    if (count == 0) {
      tinker_checkpoint_list_free(list);
      return TINKER_OK;
    }
    *page = list;
    return TINKER_OK;
  });
}

TINKER_API void tinker_checkpoint_cursor_free(tinker_checkpoint_cursor_t* cursor) { delete cursor; }

}  // extern "C"
