// Streaming multipart/form-data parser (RFC 7578 over RFC 2046) for the public forms' uploads.
// Every byte is hostile: every size is bounded, file names are reduced to a sanitized basename,
// and the body may arrive in any chunking. Pure: no I/O, no allocation beyond the limits.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace segnala::http {

struct MultipartLimits {
    std::size_t max_parts = 32;                      ///< parts of any kind
    std::size_t max_files = 5;                       ///< parts with a filename parameter
    std::size_t max_field_bytes = 64 * 1024;         ///< data of one non-file part
    std::size_t max_file_bytes = 5 * 1024 * 1024;    ///< data of one file part
    std::size_t max_total_bytes = 27 * 1024 * 1024;  ///< the whole body, preamble and epilogue too
    std::size_t max_part_header_bytes = 4096;        ///< one part's header block
};

struct Part {
    std::string name;          ///< the Content-Disposition name, as sent (never empty)
    std::string filename;      ///< sanitized basename, UTF-8; "" for fields and empty file inputs
    bool is_file = false;      ///< a filename (or filename*) parameter was present
    std::string content_type;  ///< the part's Content-Type as sent, trimmed; "" when absent
    std::string data;
};

/// Largest boundary RFC 2046 allows.
inline constexpr std::size_t kMaxBoundaryBytes = 70;

/// The boundary of a "multipart/form-data; boundary=…" Content-Type (quoted or not; media
/// type and parameter names case-insensitive). Errors: unsupported_media_type for another media
/// type; invalid_argument for a missing, duplicated, empty, longer than 70 or otherwise
/// non-RFC 2046 boundary, or a malformed parameter list (e.g. an unterminated quote).
[[nodiscard]] core::result<std::string> multipart_boundary(std::string_view content_type);

/// Incremental parser: feed() the body in any chunking, then finish(). Not thread-safe (one
/// per request); never blocks. Work is linear in the input: bytes already scanned for a
/// delimiter are not rescanned, except at most 73 (delimiter length − 1) kept across chunks.
///
/// Line endings are strict CRLF, as every browser sends: a bare LF never ends a header line
/// nor introduces a delimiter (it is data). Preamble and epilogue are ignored (but counted in
/// max_total_bytes). Each part needs "Content-Disposition: form-data" with a name; a
/// Content-Transfer-Encoding other than 7bit/8bit/binary is refused; other headers are
/// ignored. Header continuation lines (obs-fold), control characters in headers, duplicated
/// Content-Disposition or Content-Type headers and duplicated parameters are refused.
/// File names: `filename*` (RFC 5987, UTF-8 only) wins over `filename`; either is reduced to
/// its last path segment with control, bidi-override and shell/path-special characters
/// replaced by '_', invalid UTF-8 replaced, leading dots removed, and at most 200 bytes.
/// After the first error, every later call returns that same error.
class MultipartParser {
  public:
    /// `boundary` as returned by multipart_boundary(); an invalid one makes feed() fail.
    MultipartParser(std::string boundary, MultipartLimits limits);

    /// Consumes the next bytes of the body. Errors: too_large when a limit is passed (which
    /// one: error_detail()), invalid_argument for malformed input.
    [[nodiscard]] core::result<void> feed(std::string_view chunk);

    /// Ends the body and returns the parts in order. Errors: invalid_argument when the close
    /// delimiter was not seen (truncated body), or the error of an earlier feed().
    [[nodiscard]] core::result<std::vector<Part>> finish();

    /// What went wrong, for logs and field errors: "file too large: attachments",
    /// "too many parts", "part headers too large", "missing close delimiter", … Field names in
    /// it are reduced to [A-Za-z0-9_.-] and 64 bytes. Empty while no error happened.
    [[nodiscard]] std::string_view error_detail() const { return detail_; }

  private:
    enum class State { preamble, after_delimiter, headers, body, epilogue, failed, done };

    core::result<void> fail(core::errc e, std::string detail);
    core::result<bool> step();  // one state transition; false when more input is needed
    core::result<bool> scan_delimiter(bool keep);
    core::result<bool> after_delimiter();
    core::result<bool> headers();
    core::result<void> parse_headers(std::string_view block);
    core::result<void> append_data(std::string_view bytes);

    std::string delimiter_;  // "\r\n--" + boundary
    MultipartLimits limits_;
    State state_ = State::preamble;
    std::string buf_;  // unconsumed input; buf_[pos_..] is pending
    std::size_t pos_ = 0;
    std::size_t header_scan_ = 0;  // offset in the pending header block already searched
    std::size_t total_ = 0;
    std::size_t files_ = 0;
    std::vector<Part> parts_;
    core::errc error_ = core::errc::ok;
    std::string detail_;
};

/// One-shot convenience: parses a whole body. Same errors as MultipartParser.
[[nodiscard]] core::result<std::vector<Part>> parse_multipart(std::string_view body,
                                                              std::string_view boundary,
                                                              const MultipartLimits& limits);

/// The sanitized basename described above (exposed for tests and for other upload paths).
[[nodiscard]] std::string sanitize_filename(std::string_view raw);

}  // namespace segnala::http
