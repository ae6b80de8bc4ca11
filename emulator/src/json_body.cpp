#include "json_body.h"

namespace emu {

json::Ptr parse_body(const std::string& payload, std::string* error) {
  return json::parse(payload, error, /*allow_trailing_nuls=*/true);
}

std::string json_error_body(const std::string& message, const std::string& code) {
  json::Ptr o = json::new_object();
  cJSON_AddStringToObject(o.get(), "error", message.c_str());
  cJSON_AddStringToObject(o.get(), "code", code.c_str());
  return json::dump(o.get());
}

}  // namespace emu
