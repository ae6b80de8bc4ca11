// The legacy JSON forward/backward wire (protocol ≤ 0.24, protocol.md §11, §7.1–7.4), for
// servers that still speak it. Same split as the protobuf codec (wire/fwdbwd_request.h): a
// datum is encoded once into JSON text, chunk requests are assembled around the pre-encoded
// datums. Numbers go through JsonWriter (wire/json_writer.h), never a node per number.
//
// Request body:
//   {"forward_backward_input": {"data": [Datum...], "loss_fn": str, "loss_fn_config"?: {str: num}},
//    "model_id": str, "seq_id": int}
// with "forward_input" instead of "forward_backward_input" for a forward pass.
// Datum:      {"model_input": {"chunks": [Chunk...]}, "loss_fn_inputs": {name: TensorData}}
// Chunk:      {"tokens": [int], "type": "encoded_text"}
//             {"data": base64, "format": "png"|"jpeg", "expected_tokens"?: int, "type": "image"}
//             {"format": ..., "location": str, "expected_tokens"?: int, "type": "image_asset_pointer"}
//             {"dmel": base64, "type": "dmel"}
// TensorData: {"data": [num], "dtype": "float32"|"int64", "shape"?: [int],
//              "sparse_crow_indices"?: [int], "sparse_col_indices"?: [int]}
// Result:     {"loss_fn_output_type": str, "loss_fn_outputs": [{name: TensorData}],
//              "metrics": {str: num}}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wire/messages.h"
#include "wire/views.h"

namespace tinker::wire {

// ---- client side -----------------------------------------------------------------------

// Appends one Datum object. The public dtypes only exist in JSON: INT32 tensors are written
// with dtype "int64", BFLOAT16 ones widened to "float32". image_asset_pointer chunks are
// allowed here. Other failure rules as encode_datum (wire/fwdbwd_request.h); *out unchanged on
// failure.
bool encode_datum_json(const DatumView& d, std::string* out, std::string* err);

// Appends a request body around datums from encode_datum_json. Never fails.
void assemble_forward_backward_request_json(const RequestHeader& h,
                                            const std::vector<std::string_view>& datums,
                                            std::string* out);

// One-shot form of the two above.
bool encode_forward_backward_request_json(const RequestHeader& h,
                                          const std::vector<DatumView>& data, std::string* out,
                                          std::string* err);

// Decodes a JSON ForwardBackwardOutput (§7.4) into the same type as the protobuf decoder. A
// tensor without "shape" gets [len(data)]; null in a float array reads as NaN. Integers beyond
// ±2^53 lose precision (cJSON reads every number as a double). The protobuf decoder's caps
// hold (wire/fwdbwd_output.h): at most kMaxOutputDatums datums and kMaxTensorDims dimensions
// per shape. JSON repeats nothing per datum, so it needs no byte budget: the decoded output is
// at most ~8 times the text (an empty datum, "{},"), less than cJSON's own tree.
bool decode_forward_backward_output_json(std::string_view body, ForwardBackwardOutput* out,
                                         std::string* err);

// ---- emulator side ---------------------------------------------------------------------

// Decodes a request body; forward_only is true when the body uses "forward_input". Token ids
// must fit int32 (as on the protobuf wire). null in loss_fn_config reads as NaN: it is what the
// encoder writes for a non-finite value.
bool decode_forward_backward_request_json(std::string_view body, ForwardBackwardRequest* out,
                                          std::string* err);

// Appends a JSON ForwardBackwardOutput. Non-finite numbers are written as null.
void encode_forward_backward_output_json(const ForwardBackwardOutput& o, std::string* out);

}  // namespace tinker::wire
