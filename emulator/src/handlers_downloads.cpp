// GET /_emulator/downloads/{token}?expires=&sig=: the files behind the signed URLs of checkpoint
// archives and trace exports (downloads.h). No authentication, as with a cloud store's
// pre-signed URL: the signature is the credential. 403 for a missing or wrong signature, 410
// once the URL has expired, 404 when the file is gone.
#include "app.h"
#include "emu_model/checkpoint.h"  // read_whole_file

namespace emu {

namespace {

void download(App& app, Exchange* ex) {
  const std::string& token = ex->params.at("token");
  std::string expires = ex->query_param("expires").value_or("");
  std::string sig = ex->query_param("sig").value_or("");
  bool numeric = !expires.empty() && expires.size() <= 18 &&
                 expires.find_first_not_of("0123456789") == std::string::npos;
  const Downloads::File* file = nullptr;
  Downloads::Verdict v = numeric ? app.downloads.check(token, expires, sig, unix_now(), &file)
                                 : Downloads::Verdict::kBadSignature;
  switch (v) {
    case Downloads::Verdict::kBadSignature:
      return app.reply(ex, Response::error(403, "the download URL's signature is not valid", "forbidden"));
    case Downloads::Verdict::kExpired:
      return app.reply(ex, Response::error(410, "the download URL has expired; ask for a new one", "expired"));
    case Downloads::Verdict::kUnknown:
      return app.reply(ex, Response::not_found("the file of this download URL is gone"));
    case Downloads::Verdict::kOk:
      break;
  }
  Response r;
  if (!tinker::emu::read_whole_file(file->path, &r.body).is_ok()) {
    return app.reply(ex, Response::not_found("the file of this download URL is gone"));
  }
  r.content_type = file->content_type;
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file->filename + "\"");
  app.reply(ex, std::move(r));
}

}  // namespace

void register_download_routes(Router& r) {
  r.add({"GET", "/_emulator/downloads/{token}", AuthMode::kNone, BodyMode::kIgnore, download});
}

}  // namespace emu
