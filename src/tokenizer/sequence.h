// The steps of a "Sequence" component (normalizer, pre-tokenizer, post-processor): the array
// `config[key]`, each element made into a step by the component kind's own factory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tokenizer/error.h"
#include "tokenizer/json_doc.h"

namespace tinker::tok {

// `kind` names the component in the error for a missing or non-array list, e.g. "normalizer".
template <class Step, class Make>
std::vector<std::unique_ptr<Step>> sequence_steps(json::Value config, const char* kind, const char* key, Make make) {
  json::Value list = config.get(key);
  if (!list.is_array()) bad_file(std::string(kind) + " Sequence: \"" + key + "\" is not an array");
  std::vector<std::unique_ptr<Step>> steps;
  json::Value item = list.first_child();
  for (uint32_t i = 0; i < list.size(); ++i, item = item.next_sibling()) steps.push_back(make(item));
  return steps;
}

}  // namespace tinker::tok
