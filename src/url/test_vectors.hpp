// Test-only: reads the shared URL vector files (TSV with the escaping of
// shared/data/url/SOURCES.md). A missing file fails the calling test; it never skips.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace segnala::url::testing {

inline std::string vector_path(std::string_view name) {
    return std::string(SEGNALA_SHARED_DATA) + "/url/" + std::string(name);
}

// Reads a whole file; records a test failure (not a skip) when it is missing.
inline std::string read_vector_file(std::string_view name) {
    std::ifstream file(vector_path(name), std::ios::binary);
    EXPECT_TRUE(file.good()) << "missing test vectors: " << vector_path(name);
    std::ostringstream content;
    content << file.rdbuf();
    return content.str();
}

inline void append_utf8(std::string& out, unsigned long cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | cp >> 6);
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | cp >> 12);
        out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | cp >> 18);
        out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
        out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

inline std::string unescape_field(std::string_view f) {
    std::string out;
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (f[i] != '\\' || i + 1 == f.size()) {
            out += f[i];
            continue;
        }
        char n = f[++i];
        if (n == '\\') {
            out += '\\';
        } else if (n == 't') {
            out += '\t';
        } else if (n == 'n') {
            out += '\n';
        } else if (n == 'r') {
            out += '\r';
        } else if (n == 'x' && i + 2 < f.size()) {
            out += static_cast<char>(std::stoul(std::string(f.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else if (n == 'u' && i + 1 < f.size() && f[i + 1] == '{') {
            std::size_t close = f.find('}', i);
            append_utf8(out, std::stoul(std::string(f.substr(i + 2, close - i - 2)), nullptr, 16));
            i = close;
        } else {
            out += '\\';
            out += n;
        }
    }
    return out;
}

using Row = std::vector<std::string>;

// Data rows (header dropped), fields un-escaped. Fails the test when the file is empty.
inline std::vector<Row> read_tsv(std::string_view name) {
    std::string content = read_vector_file(name);
    std::vector<Row> rows;
    std::istringstream lines(content);
    std::string line;
    bool header = true;
    while (std::getline(lines, line)) {
        if (header) {
            header = false;
            continue;
        }
        Row row;
        std::size_t begin = 0;
        while (true) {
            std::size_t tab = line.find('\t', begin);
            row.push_back(unescape_field(std::string_view(line).substr(
                begin, tab == std::string::npos ? std::string::npos : tab - begin)));
            if (tab == std::string::npos) {
                break;
            }
            begin = tab + 1;
        }
        rows.push_back(std::move(row));
    }
    EXPECT_FALSE(rows.empty()) << "no vectors in " << name;
    return rows;
}

inline std::vector<std::string> split_spaces(std::string_view s) {
    std::vector<std::string> parts;
    std::istringstream in{std::string(s)};
    std::string part;
    while (in >> part) {
        parts.push_back(part);
    }
    return parts;
}

}  // namespace segnala::url::testing
