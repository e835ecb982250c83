// Helpers of the case-page suites (case_test.cpp, hostile_test.cpp): filing reports through
// the public form (with screenshots) and the partner API, a tiny PNG, SQL values.
#pragma once

#include <cstdint>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "harness.hpp"

namespace segnala::testing::cases {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct FilePart {
    std::string filename;
    std::string content_type;
    std::string data;
};

inline std::uint32_t crc32(const std::string& data) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : data) {
        c ^= b;
        for (int k = 0; k < 8; ++k)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

inline std::string be32(std::uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
            static_cast<char>(v)};
}

inline std::string png_chunk(const std::string& type, const std::string& data) {
    return be32(static_cast<std::uint32_t>(data.size())) + type + data + be32(crc32(type + data));
}

/// A 2x2 RGB PNG (stored deflate block, real CRCs).
inline std::string tiny_png() {
    const int w = 2, h = 2;
    std::string raw;
    for (int y = 0; y < h; ++y) {
        raw += '\0';
        for (int x = 0; x < w; ++x)
            raw += std::string{'\xC0', static_cast<char>(x * 90), '\x20'};
    }
    std::uint32_t a = 1, b = 0;
    for (unsigned char ch : raw) {
        a = (a + ch) % 65521;
        b = (b + a) % 65521;
    }
    const auto len = static_cast<std::uint16_t>(raw.size());
    std::string z = "\x78\x01";
    z += '\x01';
    z += static_cast<char>(len & 0xFF);
    z += static_cast<char>(len >> 8);
    z += static_cast<char>(~len & 0xFF);
    z += static_cast<char>((~len >> 8) & 0xFF);
    z += raw + be32((b << 16) | a);
    std::string ihdr = be32(w) + be32(h) + std::string{'\x08', '\x02', '\0', '\0', '\0'};
    return std::string("\x89PNG\r\n\x1a\n", 8) + png_chunk("IHDR", ihdr) + png_chunk("IDAT", z) +
           png_chunk("IEND", "");
}

inline std::string multipart_body(const std::string& boundary, const Fields& fields,
                                  const std::vector<FilePart>& files) {
    std::string body;
    for (const auto& [name, value] : fields) {
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
                "\"\r\n\r\n" + value + "\r\n";
    }
    for (const auto& f : files) {
        body += "--" + boundary +
                "\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"" +
                f.filename + "\"\r\nContent-Type: " + f.content_type + "\r\n\r\n" + f.data + "\r\n";
    }
    return body + "--" + boundary + "--\r\n";
}

/// Files a report through the public form as a citizen (own cookie jar); returns its code.
inline std::string file_report(const std::string& base_url, Fields fields,
                               const std::vector<FilePart>& files = {}) {
    Client c(base_url);
    auto form = c.get("/segnala");
    fields.insert(fields.begin(), {"_csrf", hidden_field(form.body, "_csrf")});
    const std::string boundary = "----SegnalaCaseBoundary7MA4YWxkTrZu0gW";
    auto r = c.request("POST", "/segnala", multipart_body(boundary, fields, files),
                       {"Content-Type: multipart/form-data; boundary=" + boundary});
    if (r.status != 303) {
        ADD_FAILURE() << "report refused: " << r.status << " " << r.body.substr(0, 3000);
        return "";
    }
    auto receipt = c.get("/segnala/ricevuta");
    static const std::regex re(R"re(id="receipt-code"[^>]*>([^<]*)<)re");
    std::smatch m;
    return std::regex_search(receipt.body, m, re) ? m[1].str() : "";
}

/// The single value a query returns, trimmed.
inline std::string case_of(const TestDatabase& db, const std::string& code) {
    return sql_value(db, "SELECT case_id FROM reports WHERE code = '" + code + "'");
}

inline std::string first_attachment_of(const TestDatabase& db, const std::string& code) {
    return sql_value(db,
                     "SELECT a.id FROM attachments a JOIN reports r ON r.id = a.report_id "
                     "WHERE r.code = '" +
                         code + "' ORDER BY a.id LIMIT 1");
}

inline bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

}  // namespace segnala::testing::cases
