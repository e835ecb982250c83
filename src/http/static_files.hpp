// Static assets served from memory: loaded once at start-up, strong ETags, gzip variants
// computed at load, fingerprinted names ("app.3f2a1b9c.css") cached forever.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace segnala::http {

/// Content-Type for a file name by extension; "application/octet-stream" when unknown.
std::string_view content_type_for(std::string_view filename);

/// True when an Accept-Encoding header value accepts gzip (q > 0).
bool accepts_gzip(std::string_view accept_encoding);

class StaticFiles {
  public:
    StaticFiles();
    ~StaticFiles();
    StaticFiles(const StaticFiles&) = delete;
    StaticFiles& operator=(const StaticFiles&) = delete;

    /// Loads every regular file under `dir` (recursively) as `url_prefix` + "/" + relative path.
    /// With `fingerprint`, each file is also served as "name.<8 hex of its hash>.ext" with
    /// an immutable one-year Cache-Control; plain names always get "no-cache".
    /// Blocks (reads files). Not thread-safe: mount everything before serving.
    /// Throws std::runtime_error when `dir` is not a readable directory (start-up failure).
    void mount(std::string url_prefix, const std::filesystem::path& dir, bool fingerprint);

    /// "/static/css/app.css" → "/static/css/app.3f2a1b9c.css" for fingerprinted mounts;
    /// the input unchanged otherwise or when unknown. Thread-safe after mounting.
    std::string url_for(std::string_view logical_path) const;

    /// Number of files loaded (not counting fingerprinted aliases).
    std::size_t size() const;

    /// A GET handler serving the mounted files by `Request::path` (route it run_inline: it
    /// never blocks). It shares the loaded table, so it stays valid after this object dies.
    Handler handler() const;

    struct Table;

  private:
    std::shared_ptr<Table> table_;
};

}  // namespace segnala::http
