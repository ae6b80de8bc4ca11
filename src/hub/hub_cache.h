// The Hugging Face cache, laid out as huggingface_hub lays it out so that Python and libtinker
// share one cache (docs/hub.md):
//   {cache}/models--{org}--{name}/blobs/{etag}                   the file's bytes
//   {cache}/models--{org}--{name}/snapshots/{commit}/{filename}  → ../../blobs/{etag} (relative)
//   {cache}/models--{org}--{name}/refs/{revision}                the commit a branch or tag names
// Every name here has passed valid_repo_id / valid_revision / valid_filename / is_commit_hash or
// valid_etag before it becomes part of a path. Plain blocking file-system calls: the files are
// small and the fetcher calls them once per file.
#pragma once

#include <optional>
#include <string>

namespace tinker::hub {

// An ETag as the cache names blobs by it: quotes and a weak "W/" taken off; then it must be
// 1–128 characters of [A-Za-z0-9._-] (a git SHA-1 or a SHA-256 in hex on the real Hub) or
// nullopt: a server-chosen name never reaches a path unchecked.
std::optional<std::string> normalize_etag(const std::string& header_value);

class RepoCache {
 public:
  RepoCache(const std::string& cache_dir, const std::string& repo);  // repo: valid "org/name"

  const std::string& folder() const { return folder_; }
  std::string blob_path(const std::string& etag) const;
  std::string snapshot_path(const std::string& commit, const std::string& filename) const;
  bool has_blob(const std::string& etag) const;

  // The commit `revision` names here: the revision itself when it is a commit hash, else the
  // content of refs/{revision} when that is a commit hash.
  std::optional<std::string> commit_for(const std::string& revision) const;
  // The cached file for `revision` (offline, or when the network failed): the snapshot entry of
  // commit_for(revision) when it exists (and, for a link, its blob).
  std::optional<std::string> cached_file(const std::string& revision, const std::string& filename) const;

  // Writes `bytes` as blobs/{etag}: under a unique temporary name first, renamed into place, so
  // that a reader (another process sharing the cache) never sees a partial blob.
  bool store_blob(const std::string& etag, const std::string& bytes, std::string* error) const;
  // snapshots/{commit}/{filename} as a relative link to the blob (replaced atomically when it
  // pointed elsewhere), and refs/{revision} holding the commit unless the revision is the commit.
  bool link(const std::string& revision, const std::string& commit, const std::string& filename,
            const std::string& etag, std::string* error) const;

 private:
  std::string folder_;
};

}  // namespace tinker::hub
