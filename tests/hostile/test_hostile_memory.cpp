// A hostile server cannot crash the process, overflow a buffer or take its memory: results
// that do not match what was sent are TINKER_E_DATA_LOSS, bodies that never end or that
// decompress or decode to gigabytes stop at their limit, out-of-range numbers are refused.
// Each rule holds for the blocking call and its _async twin.
#include "fixture.h"

#include "wire/fwdbwd_output.h"
#include "wire/pb_writer.h"

using namespace hfix;
using hostile::Reply;
using hostile::Request;

namespace {

const char* const kPoll = "/api/v1/retrieve_future";
const char* const kCaps = "/api/v1/get_server_capabilities";

bool is_protobuf(const Reply& r) {
  for (const auto& h : r.headers)
    if (h.second.find("application/x-protobuf") != std::string::npos) return true;
  return false;
}

// Edits every forward/backward result (protobuf) the upstream sends.
hostile::Rule edit_output(std::function<void(tinker::wire::ForwardBackwardOutput&)> change) {
  return edit(kPoll, [change](const Request&, Reply& r) {
    if (!is_protobuf(r)) return;
    tinker::wire::ForwardBackwardOutput out;
    std::string err;
    assert_true(tinker::wire::decode_forward_backward_output(r.body, &out, &err));
    change(out);
    r.body.clear();
    assert_true(tinker::wire::encode_forward_backward_output(out, &r.body, &err));
  });
}

tinker_training_client_t* training(tinker_service_client_t* c) { return itest::new_training_client(c); }

void one_datum(itest::TrainBatch* b) { b->add_text("hostile"); }

// A forward result with 2 datums for 1 sent (it overflowed the custom-loss step's buffers).
void forward_result_with_an_extra_datum_is_data_loss(void**) {
  tinker_training_client_t* tc = training(client());
  itest::TrainBatch b;
  one_datum(&b);
  proxy().add_rule(edit_output([](tinker::wire::ForwardBackwardOutput& o) { o.outputs.push_back(o.outputs[0]); }));
  for (Form f : kForms) {
    Outcome o = forward(tc, b, f);
    assert_status(o.status, TINKER_E_DATA_LOSS, nullptr);
    assert_true(itest::contains(o.message, "2 outputs for 1 datums"));
    o = custom_begin(tc, b, f);
    assert_status(o.status, TINKER_E_DATA_LOSS, nullptr);
  }
}

void forward_result_with_fewer_datums_than_sent_is_data_loss(void**) {
  tinker_training_client_t* tc = training(client());
  itest::TrainBatch b;
  b.add_text("first");
  b.add_text("second");
  proxy().add_rule(edit_output([](tinker::wire::ForwardBackwardOutput& o) { o.outputs.pop_back(); }));
  for (Form f : kForms) {
    assert_status(forward(tc, b, f).status, TINKER_E_DATA_LOSS, nullptr);
    assert_status(custom_begin(tc, b, f).status, TINKER_E_DATA_LOSS, nullptr);
  }
}

// The custom-loss step sizes each datum's gradient from its logprobs: they must match its targets.
void custom_loss_forward_with_logprobs_not_matching_the_targets_is_data_loss(void**) {
  tinker_training_client_t* tc = training(client());
  itest::TrainBatch b;
  one_datum(&b);
  proxy().add_rule(edit_output([](tinker::wire::ForwardBackwardOutput& o) {
    for (auto& field : o.outputs[0])
      if (field.first == "logprobs") {
        field.second.f32.push_back(0.0f);
        field.second.shape = {static_cast<int64_t>(field.second.f32.size())};
      }
  }));
  for (Form f : kForms) {
    Outcome o = custom_begin(tc, b, f);
    assert_status(o.status, TINKER_E_DATA_LOSS, nullptr);
    assert_true(itest::contains(o.message, "target tokens"));
  }
}

void small_response_limit(tinker_client_options_t* o) { tinker_client_options_set_max_response_bytes(o, 1 << 20); }

// A body that never ends stops at the response limit: no retry, no unbounded growth.
void endless_response_body_is_resource_exhausted_naming_the_option(void**) {
  tinker_service_client_t* c = client(small_response_limit);
  proxy().add_rule(answer(kCaps, hostile::endless("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[",
                                                  std::string(65536, ' '))));
  for (Form f : kForms) {
    Outcome o = capabilities(c, f);
    assert_status(o.status, TINKER_E_RESOURCE_EXHAUSTED, nullptr);
    assert_true(itest::contains(o.message, "tinker_client_options_set_max_response_bytes"));
  }
  assert_int_equal(proxy().count(kCaps), 2);  // one request per form: nothing retried
}

// With the default limits (16 MiB) too, and for a polled result (256 MiB → 1 MiB here).
void endless_result_body_is_resource_exhausted_naming_the_result_option(void**) {
  tinker_training_client_t* tc = training(client([](tinker_client_options_t* o) { tinker_client_options_set_max_result_bytes(o, 1 << 20); }));
  itest::TrainBatch b;
  one_datum(&b);
  proxy().add_rule(answer(kPoll, hostile::endless("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\n\r\n",
                                                  std::string(65536, '\0'))));
  for (Form f : kForms) {
    Outcome o = forward(tc, b, f);
    assert_status(o.status, TINKER_E_RESOURCE_EXHAUSTED, nullptr);
    assert_true(itest::contains(o.message, "tinker_client_options_set_max_result_bytes"));
  }
  tinker_service_client_t* defaults = client();
  assert_status(capabilities(defaults, Form::Blocking).status, TINKER_OK, nullptr);
  proxy().add_rule(answer(kCaps, hostile::endless("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[",
                                                  std::string(65536, ' '))));
  assert_status(capabilities(defaults, Form::Blocking).status, TINKER_E_RESOURCE_EXHAUSTED, nullptr);
}

// 256 MiB of zeros in about 250 KB of gzip: the limit counts decoded bytes.
void gzip_bomb_stops_at_the_decoded_limit(void**) {
  static const std::string bomb = hostile::gzip_zeros(size_t{256} << 20);
  tinker_service_client_t* c = client();
  Reply r;
  r.headers = {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}};
  r.body = bomb;
  proxy().add_rule(reply(kCaps, r));
  for (Form f : kForms) {
    Outcome o = capabilities(c, f);
    assert_status(o.status, TINKER_E_RESOURCE_EXHAUSTED, nullptr);
    assert_true(itest::contains(o.message, "16777216 bytes"));
  }
}

// ~1 MB of protobuf declaring 100,000 datums that each carry a 100,000-dimension trailing
// shape: copying the shape into every datum would take 80 GB.
std::string shape_bomb() {
  namespace pb = tinker::wire::pb;
  const size_t datums = 100000, dims = 100000;
  std::string tensor;
  pb::put_varint_field(&tensor, 3, 1);  // dtype float32
  pb::put_len_header(&tensor, 2, (datums + 1) * 8);  // offsets: all zero
  tensor.append((datums + 1) * 8, '\0');
  pb::put_len_header(&tensor, 4, dims);  // trailing_shape, packed: every dim 1
  tensor.append(dims, '\x01');
  std::string entry;
  pb::put_bytes_field(&entry, 1, "logprobs", 8);
  pb::put_bytes_field(&entry, 2, tensor.data(), tensor.size());
  std::string record;
  pb::put_bytes_field(&record, 2, entry.data(), entry.size());
  pb::put_varint_field(&record, 3, datums);
  std::string out;
  pb::put_bytes_field(&out, 1, "ArrayRecord", 11);
  pb::put_bytes_field(&out, 2, record.data(), record.size());
  return out;
}

void shape_bomb_result_is_refused_before_allocating(void**) {
  static const std::string bomb = shape_bomb();
  tinker_training_client_t* tc = training(client());
  itest::TrainBatch b;
  one_datum(&b);
  proxy().add_rule(edit(kPoll, [](const Request&, Reply& r) {
    if (is_protobuf(r)) r.body = bomb;
  }));
  for (Form f : kForms) {
    Outcome o = forward(tc, b, f);
    assert_status(o.status, TINKER_E_DATA_LOSS, nullptr);
  }
}

// 1e308 for an integer field: refused, not cast (undefined behaviour, INT64_MIN before).
void out_of_range_numbers_in_a_result_are_data_loss(void**) {
  tinker_service_client_t* c = client();
  for (const char* v : {"1e308", "-1", "2.5", "1e999"}) {
    proxy().clear_rules();
    proxy().add_rule(reply(kCaps, hostile::json_reply(200, std::string("{\"supported_models\":[{\"model_name\":\"m\",\"max_context_length\":") + v + "}]}")));
    for (Form f : kForms) {
      Outcome o = capabilities(c, f);
      assert_status(o.status, TINKER_E_DATA_LOSS, nullptr);
      assert_true(itest::contains(o.message, "max_context_length"));
    }
  }
}

// A negative byte budget from client/config made every forward wait forever without sending.
void negative_dispatch_budget_from_the_server_keeps_the_default_with_a_warning(void**) {
  proxy().add_rule(edit("/api/v1/client/config", [](const Request&, Reply& r) {
    r.body = "{\"fwdbwd_dispatch_bytes_semaphore_size\": -1, \"fwdbwd_max_chunk_len\": 0}";
  }));
  tinker_training_client_t* tc = training(client());
  itest::TrainBatch b;
  one_datum(&b);
  for (Form f : kForms) assert_status(forward(tc, b, f).status, TINKER_OK, nullptr);
  assert_true(logs_containing("fwdbwd_dispatch_bytes_semaphore_size is not a whole number") >= 1);
  assert_true(logs_containing("fwdbwd_max_chunk_len is not a whole number") >= 1);
}

void the_api_key_leaked_nowhere(void**) { assert_key_never_leaked(); }

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(forward_result_with_an_extra_datum_is_data_loss, setup, teardown),
      cmocka_unit_test_setup_teardown(forward_result_with_fewer_datums_than_sent_is_data_loss, setup, teardown),
      cmocka_unit_test_setup_teardown(custom_loss_forward_with_logprobs_not_matching_the_targets_is_data_loss, setup, teardown),
      cmocka_unit_test_setup_teardown(endless_response_body_is_resource_exhausted_naming_the_option, setup, teardown),
      cmocka_unit_test_setup_teardown(endless_result_body_is_resource_exhausted_naming_the_result_option, setup, teardown),
      cmocka_unit_test_setup_teardown(gzip_bomb_stops_at_the_decoded_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(shape_bomb_result_is_refused_before_allocating, setup, teardown),
      cmocka_unit_test_setup_teardown(out_of_range_numbers_in_a_result_are_data_loss, setup, teardown),
      cmocka_unit_test_setup_teardown(negative_dispatch_budget_from_the_server_keeps_the_default_with_a_warning, setup, teardown),
      cmocka_unit_test_setup_teardown(the_api_key_leaked_nowhere, setup, teardown),
  };
  return cmocka_run_group_tests_name("hostile_memory", tests, group_setup, group_teardown);
}
