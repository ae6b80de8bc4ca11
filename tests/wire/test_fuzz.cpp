// Malformed input never crashes a decoder or makes it read out of bounds (run under
// AddressSanitizer in CI), and whenever libprotobuf still parses a damaged message, our
// decoders agree with the reference rules on it: both accept with equal values, or both reject.
#include "support.h"

using namespace wiretest;

namespace {

// WIRE_FUZZ_SEEDS=<n> runs a longer search (the default keeps the sanitizer build quick).
int seeds() {
  const char* s = getenv("WIRE_FUZZ_SEEDS");
  return s ? atoi(s) : 120;
}
constexpr int kMutationsPerSeed = 40;

// Damages `s`: truncation, bit flips, a random byte run, or a duplicated slice.
std::string mutate(Rng& r, const std::string& s) {
  std::string m = s;
  switch (r.range(0, 4)) {
    case 0:
      m.resize(static_cast<size_t>(r.range(0, static_cast<int64_t>(m.size()))));
      break;
    case 1:
    case 2: {
      const int flips = static_cast<int>(r.range(1, 4));
      for (int i = 0; i < flips && !m.empty(); ++i)
        m[static_cast<size_t>(r.range(0, static_cast<int64_t>(m.size()) - 1))] ^=
            static_cast<char>(1 << r.range(0, 7));
      break;
    }
    case 3:
      m.insert(static_cast<size_t>(r.range(0, static_cast<int64_t>(m.size()))),
               r.bytes(static_cast<size_t>(r.range(1, 8))));
      break;
    default:
      if (!m.empty()) {
        size_t a = static_cast<size_t>(r.range(0, static_cast<int64_t>(m.size()) - 1));
        size_t n = static_cast<size_t>(r.range(1, static_cast<int64_t>(m.size() - a)));
        m.insert(static_cast<size_t>(r.range(0, static_cast<int64_t>(m.size()))), m.substr(a, n));
      }
      break;
  }
  return m;
}

// The decoder sees an exactly-sized heap copy, so a read past the end is an ASan error.
template <typename Decode>
bool run_exact(const std::string& bytes, Decode decode) {
  std::unique_ptr<char[]> copy(new char[bytes.size() + 1]);
  std::memcpy(copy.get(), bytes.data(), bytes.size());
  return decode(std::string_view(copy.get(), bytes.size()));
}

// Our output decoder also refuses a result that would decode to more than its byte budget,
// which depends on the body's size (wire/fwdbwd_output.h); the message alone cannot tell, so
// the reference's value is measured against the damaged bytes.
bool over_budget(const std::string& bytes, const w::ForwardBackwardOutput& v) {
  return w::decoded_output_bytes(v) > w::max_decoded_output_bytes(bytes.size());
}
template <typename Value>
bool over_budget(const std::string&, const Value&) {
  return false;
}

struct Stats {
  int runs = 0, parsed = 0, accepted = 0;
};

template <typename Msg, typename Value, typename Decode, typename Equal>
void check_mutations(Rng& r, const std::string& seed_bytes, Decode decode, Equal equal, Stats* st) {
  for (int i = 0; i < kMutationsPerSeed; ++i) {
    const std::string bytes = mutate(r, seed_bytes);
    Value ours;
    std::string err;
    const bool ok = run_exact(bytes, [&](std::string_view b) { return decode(b, &ours, &err); });
    ++st->runs;
    if (!ok) assert_false(err.empty());
    Msg m;
    if (!m.ParseFromString(bytes)) continue;  // broken at the wire level for libprotobuf too
    ++st->parsed;
    Value ref;
    const bool ref_ok = reference_decode(m, &ref) && !over_budget(bytes, ref);
    if (ok != ref_ok)
      fail_msg("decoder %s, reference %s (%s)", ok ? "accepted" : "rejected", ref_ok ? "accepted" : "rejected",
               err.c_str());
    if (ok) {
      ++st->accepted;
      equal(ours, ref);
    }
  }
}

void damaged_results_never_crash_and_agree_with_the_reference(void** state) {
  Rng r(0xf0220001);
  Stats st;
  for (int s = 0; s < seeds(); ++s) {
    tp::ForwardBackwardOutput m;
    random_output_message(r, &m);
    add_unknown_fields(r, &m);
    check_mutations<tp::ForwardBackwardOutput, w::ForwardBackwardOutput>(
        r, m.SerializeAsString(), w::decode_forward_backward_output, assert_outputs_equal, &st);
  }
  print_message("ForwardBackwardOutput: %d damaged inputs, %d still parse, %d accepted\n", st.runs, st.parsed,
                st.accepted);
  assert_true(st.parsed > 0 && st.accepted > 0);
}

void damaged_samples_never_crash_and_agree_with_the_reference(void** state) {
  Rng r(0xf0220002);
  Stats st;
  for (int s = 0; s < seeds(); ++s) {
    tp::SampleResponse m;
    to_proto(random_sample_response(r), &m);
    add_unknown_fields(r, &m);
    check_mutations<tp::SampleResponse, w::SampleResponse>(r, m.SerializeAsString(), w::decode_sample_response,
                                                           assert_samples_equal, &st);
  }
  print_message("SampleResponse: %d damaged inputs, %d still parse, %d accepted\n", st.runs, st.parsed,
                st.accepted);
  assert_true(st.parsed > 0 && st.accepted > 0);
}

void damaged_requests_never_crash_and_agree_with_the_reference(void** state) {
  Rng r(0xf0220003);
  Stats st;
  for (int s = 0; s < seeds(); ++s) {
    std::vector<std::unique_ptr<OwnedDatum>> owned;
    std::vector<w::DatumView> views;
    for (int i = static_cast<int>(r.range(0, 3)); i > 0; --i) {
      owned.push_back(random_datum(r));
      views.push_back(owned.back()->view);
    }
    tp::ForwardBackwardRequest m;
    to_proto(random_header(r), views, &m);
    add_unknown_fields(r, &m);
    check_mutations<tp::ForwardBackwardRequest, w::ForwardBackwardRequest>(
        r, m.SerializeAsString(), w::decode_forward_backward_request, assert_requests_equal, &st);
  }
  print_message("ForwardBackwardRequest: %d damaged inputs, %d still parse, %d accepted\n", st.runs, st.parsed,
                st.accepted);
  assert_true(st.parsed > 0 && st.accepted > 0);
}

void random_bytes_never_crash_a_decoder(void** state) {
  Rng r(0xf0220004);
  for (int i = 0; i < 3000; ++i) {
    const std::string bytes = r.bytes(static_cast<size_t>(r.range(0, 64)));
    std::string err;
    w::ForwardBackwardOutput o;
    w::SampleResponse s;
    w::ForwardBackwardRequest q;
    run_exact(bytes, [&](std::string_view b) { return w::decode_forward_backward_output(b, &o, &err); });
    run_exact(bytes, [&](std::string_view b) { return w::decode_sample_response(b, &s, &err); });
    run_exact(bytes, [&](std::string_view b) { return w::decode_forward_backward_request(b, &q, &err); });
  }
}

void decoders_accept_a_null_error_pointer(void** state) {
  const std::string bad("\x0a\x05" "abc", 5);  // a length past the end
  w::ForwardBackwardOutput o;
  w::SampleResponse s;
  w::ForwardBackwardRequest q;
  assert_false(w::decode_forward_backward_output(bad, &o, nullptr));
  assert_false(w::decode_sample_response(bad, &s, nullptr));
  assert_false(w::decode_forward_backward_request(bad, &q, nullptr));
  assert_false(w::decode_forward_backward_request_json("{", &q, nullptr));
  assert_false(w::decode_forward_backward_output_json("{", &o, nullptr));
  const std::string tensor_bad("\x1a\x0b\x12\x09\x0a\x01w\x12\x04\x0a\x01x\x18\x01", 13);  // 1 byte of float32
  assert_false(w::decode_forward_backward_request(tensor_bad, &q, nullptr));
}

void every_truncation_of_a_result_is_handled(void** state) {
  Rng r(0xf0220005);
  tp::ForwardBackwardOutput m;
  while (m.loss_fn_outputs_size() < 2) {
    m.Clear();
    random_output_message(r, &m);
  }
  const std::string bytes = m.SerializeAsString();
  int rejected = 0;
  for (size_t n = 0; n < bytes.size(); ++n) {
    w::ForwardBackwardOutput out;
    std::string err;
    if (!run_exact(bytes.substr(0, n), [&](std::string_view b) { return w::decode_forward_backward_output(b, &out, &err); }))
      ++rejected;
  }
  assert_true(rejected > 0);
}

void deeply_nested_unknown_groups_are_bounded(void** state) {
  // field 20, start-group, nested 1000 deep, never closed
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes += "\xa3\x01";  // tag (20 << 3) | 3
  w::SampleResponse out;
  std::string err;
  assert_false(w::decode_sample_response(bytes, &out, &err));
  assert_non_null(strstr(err.c_str(), "nested too deeply"));
}

}  // namespace

int main(void) {
  // Damaged strings are often invalid UTF-8, which libprotobuf logs on every parse.
  google::protobuf::SetLogHandler(nullptr);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(damaged_results_never_crash_and_agree_with_the_reference),
      cmocka_unit_test(damaged_samples_never_crash_and_agree_with_the_reference),
      cmocka_unit_test(damaged_requests_never_crash_and_agree_with_the_reference),
      cmocka_unit_test(random_bytes_never_crash_a_decoder),
      cmocka_unit_test(decoders_accept_a_null_error_pointer),
      cmocka_unit_test(every_truncation_of_a_result_is_handled),
      cmocka_unit_test(deeply_nested_unknown_groups_are_bounded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
