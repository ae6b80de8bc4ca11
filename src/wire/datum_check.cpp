#include "wire/datum_check.h"

#include <algorithm>

#include "wire/fail.h"
#include "wire/tensor_layout.h"

namespace tinker::wire {

namespace {

bool check_chunk(const ChunkView& c, size_t di, size_t ci, AssetPointers assets, std::string* err) {
  auto where = [&] { return "datum " + std::to_string(di) + " chunk " + std::to_string(ci) + ": "; };
  auto check_format = [&] {
    return c.format == "png" || c.format == "jpeg" ||
           fail(err, where() + "image format must be \"png\" or \"jpeg\", not \"" + c.format + "\"");
  };
  switch (c.kind) {
    case ChunkKind::ENCODED_TEXT:
      return !(c.n_tokens && !c.tokens) || fail(err, where() + "null token array");
    case ChunkKind::IMAGE:
      if (c.size && !c.data) return fail(err, where() + "null image data");
      return check_format();
    case ChunkKind::DMEL:
      return !(c.size && !c.data) || fail(err, where() + "null dmel data");
    case ChunkKind::IMAGE_ASSET_POINTER:
      if (assets == AssetPointers::REJECT)
        return fail(err, where() +
                             "image_asset_pointer chunks cannot be sent in a forward/forward_backward "
                             "request: the protobuf wire has no form for them (protocol.md §7.1); "
                             "send the image bytes as an image chunk");
      return check_format();
  }
  return fail(err, where() + "unknown chunk kind");
}

bool check_tensor(const std::string& name, const TensorView& t, size_t di, std::string* err) {
  auto where = [&] { return "datum " + std::to_string(di) + " loss_fn_inputs[\"" + name + "\"]: "; };
  if (dtype_size(t.dtype) == 0)
    return fail(err, where() + "unsupported dtype " + std::to_string(static_cast<int>(t.dtype)));
  if (t.numel && !t.data) return fail(err, where() + "null data");
  const SparseCsrView* s = t.sparse ? &*t.sparse : nullptr;
  if (s && ((s->n_crow && !s->crow_indices) || (s->n_col && !s->col_indices)))
    return fail(err, where() + "null sparse index array");
  std::string msg;
  if (!check_tensor_layout(t.shape, t.numel, s != nullptr, s ? s->n_col : 0, &msg))
    return fail(err, where() + msg);
  return true;
}

}  // namespace

bool check_datum(const DatumView& d, size_t di, AssetPointers assets, std::string* err) {
  for (size_t ci = 0; ci < d.chunks.size(); ++ci)
    if (!check_chunk(d.chunks[ci], di, ci, assets, err)) return false;
  for (const auto& [name, t] : d.loss_fn_inputs)
    if (!check_tensor(name, t, di, err)) return false;
  return true;
}

bool check_tokens_int32(const int64_t* t, size_t n, size_t di, size_t ci, std::string* err) {
  for (size_t i = 0; i < n; ++i)
    if (t[i] != static_cast<int32_t>(t[i]))
      return fail(err, "datum " + std::to_string(di) + " chunk " + std::to_string(ci) + ": token id " +
                           std::to_string(t[i]) + " at index " + std::to_string(i) +
                           " does not fit in int32");
  return true;
}

bool check_token_ranges(const DatumView& d, size_t di, std::string* err) {
  for (size_t ci = 0; ci < d.chunks.size(); ++ci) {
    const ChunkView& c = d.chunks[ci];
    if (c.kind == ChunkKind::ENCODED_TEXT && c.token_width == TokenWidth::INT64 &&
        !check_tokens_int32(static_cast<const int64_t*>(c.tokens), c.n_tokens, di, ci, err))
      return false;
  }
  return true;
}

bool sorted_loss_inputs(const DatumView& d, size_t di, std::vector<uint32_t>* order,
                        std::string* err) {
  const auto& in = d.loss_fn_inputs;
  order->resize(in.size());
  for (uint32_t i = 0; i < in.size(); ++i) (*order)[i] = i;
  std::sort(order->begin(), order->end(),
            [&](uint32_t a, uint32_t b) { return in[a].first < in[b].first; });
  for (size_t i = 1; i < order->size(); ++i)
    if (in[(*order)[i - 1]].first == in[(*order)[i]].first)
      return fail(err, "datum " + std::to_string(di) + ": loss_fn_inputs name \"" +
                           in[(*order)[i]].first + "\" appears twice");
  return true;
}

}  // namespace tinker::wire
