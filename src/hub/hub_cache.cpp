#include "hub/hub_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/file_text.h"
#include "core/uuid.h"
#include "hub/repo_id.h"

namespace tinker::hub {

namespace {

std::string parent_of(const std::string& path) { return path.substr(0, path.rfind('/')); }

// mkdir -p; true when the directory exists afterwards.
bool make_dirs(const std::string& dir, std::string* error) {
  struct stat st;
  if (dir.empty() || stat(dir.c_str(), &st) == 0) return true;
  if (!make_dirs(parent_of(dir), error)) return false;
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    *error = "cannot create " + dir + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

// Writes `bytes` to `path` through a unique temporary file in the same directory and a rename.
bool write_atomically(const std::string& path, const std::string& bytes, std::string* error) {
  if (!make_dirs(parent_of(path), error)) return false;
  const std::string tmp = path + "." + uuid4() + ".incomplete";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      *error = "cannot write " + tmp;
      unlink(tmp.c_str());
      return false;
    }
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    *error = "cannot rename " + tmp + " to " + path + ": " + std::strerror(errno);
    unlink(tmp.c_str());
    return false;
  }
  return true;
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);  // follows links: a dangling one is absent
}

}  // namespace

std::optional<std::string> normalize_etag(const std::string& header_value) {
  std::string v = header_value;
  if (v.compare(0, 2, "W/") == 0) v.erase(0, 2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  const bool ok = !v.empty() && v.size() <= 128 && std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
  if (!ok || v[0] == '.') return std::nullopt;
  return v;
}

RepoCache::RepoCache(const std::string& cache_dir, const std::string& repo) {
  const size_t slash = repo.find('/');
  folder_ = cache_dir + "/models--" + repo.substr(0, slash) + "--" + repo.substr(slash + 1);
}

std::string RepoCache::blob_path(const std::string& etag) const { return folder_ + "/blobs/" + etag; }

std::string RepoCache::snapshot_path(const std::string& commit, const std::string& filename) const {
  return folder_ + "/snapshots/" + commit + "/" + filename;
}

bool RepoCache::has_blob(const std::string& etag) const { return exists(blob_path(etag)); }

std::optional<std::string> RepoCache::commit_for(const std::string& revision) const {
  if (is_commit_hash(revision)) return revision;
  FileText ref = read_file_text(folder_ + "/refs/" + revision, 256);  // a commit and a newline
  if (!ref.ok()) return std::nullopt;
  std::string& text = ref.text;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  if (!is_commit_hash(text)) return std::nullopt;
  return text;
}

std::optional<std::string> RepoCache::cached_file(const std::string& revision, const std::string& filename) const {
  auto commit = commit_for(revision);
  if (!commit) return std::nullopt;
  std::string path = snapshot_path(*commit, filename);
  if (!exists(path)) return std::nullopt;
  return path;
}

bool RepoCache::store_blob(const std::string& etag, const std::string& bytes, std::string* error) const {
  return write_atomically(blob_path(etag), bytes, error);
}

bool RepoCache::link(const std::string& revision, const std::string& commit, const std::string& filename,
                     const std::string& etag, std::string* error) const {
  const std::string path = snapshot_path(commit, filename);
  if (!make_dirs(parent_of(path), error)) return false;
  // ../../blobs/{etag} from snapshots/{commit}/, one more ../ per directory inside the file name.
  std::string target = "../../blobs/" + etag;
  for (char c : filename)
    if (c == '/') target = "../" + target;
  char current[512];
  ssize_t n = readlink(path.c_str(), current, sizeof current);
  if (n < 0 || std::string(current, static_cast<size_t>(n)) != target) {
    const std::string tmp = path + "." + uuid4() + ".link";
    if (symlink(target.c_str(), tmp.c_str()) != 0 || rename(tmp.c_str(), path.c_str()) != 0) {
      *error = "cannot link " + path + " to " + target + ": " + std::strerror(errno);
      unlink(tmp.c_str());
      return false;
    }
  }
  if (revision == commit) return true;
  if (commit_for(revision) == commit) return true;
  return write_atomically(folder_ + "/refs/" + revision, commit, error);
}

}  // namespace tinker::hub
