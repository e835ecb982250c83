// Mustache views and message catalogs: every HTML page is rendered here, HTML-escaped by
// default. Two raw insertions only: the rendered page body into the layout, and the enrolment
// QR code (SVG made by app::qr_svg from our own otpauth URI, never from request data).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace segnala::web {

enum class Lang { it, en };

std::string_view lang_code(Lang l);

class Views {
  public:
    /// Loads views/*.mustache and i18n/{it,en}.json from `web_dir` (src/web in the source
    /// tree, /usr/share/segnala/web when installed). Throws std::runtime_error at start-up
    /// when a file is missing or malformed.
    Views(const std::filesystem::path& web_dir, std::map<std::string, std::string> asset_urls);
    ~Views();
    Views(Views&&) noexcept;

    /// Renders `view` with `data` inside the layout. `data` gains `t` (the catalog of
    /// `lang`) and `assets`. Thread-safe.
    std::string page(std::string_view view, Lang lang, nlohmann::json data) const;
    /// One message of the catalog, with {{name}} placeholders filled from `vars`.
    std::string text(Lang lang, std::string_view key,
                     const std::map<std::string, std::string>& vars = {}) const;
    bool has_view(std::string_view view) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace segnala::web
