#include "sample_ledger.h"

namespace emu {

const SeqRecord* SampleLedger::find(const std::string& scope, int64_t seq) const {
  auto s = scopes_.find(scope);
  if (s == scopes_.end()) return nullptr;
  auto r = s->second.by_seq.find(seq);
  return r == s->second.by_seq.end() ? nullptr : &r->second;
}

void SampleLedger::remember(const std::string& scope, int64_t seq, uint64_t digest,
                            const std::string& request_id) {
  Scope& s = scopes_[scope];
  SeqRecord rec;
  rec.digest = digest;
  rec.request_id = request_id;
  if (s.by_seq.emplace(seq, std::move(rec)).second) s.order.push_back(seq);
  while (s.order.size() > kSeqRecordsKept) {
    s.by_seq.erase(s.order.front());
    s.order.pop_front();
  }
}

}  // namespace emu
