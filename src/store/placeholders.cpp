#include "store/placeholders.hpp"

namespace segnala::store {
namespace {

constexpr int kMaxPlaceholder = 65535;  // PostgreSQL's limit on bind parameters

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_ident(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

}  // namespace

std::optional<int> placeholder_number(std::string_view name) {
    if (name.size() < 2 || name[0] != '$' || name[1] == '0' || name.size() > 6) {
        return std::nullopt;
    }
    int n = 0;
    for (char c : name.substr(1)) {
        if (!is_digit(c)) {
            return std::nullopt;
        }
        n = n * 10 + (c - '0');
    }
    if (n > kMaxPlaceholder) {
        return std::nullopt;
    }
    return n;
}

std::optional<int> max_placeholder(std::string_view sql) {
    int max = 0;
    std::size_t i = 0;
    const std::size_t n = sql.size();
    while (i < n) {
        const char c = sql[i];
        if (c == '\'' || c == '"') {
            // Quoted literal or identifier; a doubled quote is an escaped quote.
            ++i;
            while (i < n) {
                if (sql[i] == c) {
                    if (i + 1 < n && sql[i + 1] == c) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                ++i;
            }
            ++i;
        } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
            while (i < n && sql[i] != '\n') {
                ++i;
            }
        } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
            const auto end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? n : end + 2;
        } else if (c == '$' && (i == 0 || !is_ident(sql[i - 1]))) {
            std::size_t j = i + 1;
            while (j < n && is_digit(sql[j])) {
                ++j;
            }
            if (j == i + 1) {
                // Not a placeholder: PostgreSQL dollar quoting ($$ or $tag$) is not used in our
                // SQL.
                return std::nullopt;
            }
            if (j < n && is_ident(sql[j])) {
                return std::nullopt;
            }
            const auto number = placeholder_number(sql.substr(i, j - i));
            if (!number) {
                return std::nullopt;
            }
            if (*number > max) {
                max = *number;
            }
            i = j;
        } else {
            ++i;
        }
    }
    return max;
}

}  // namespace segnala::store
