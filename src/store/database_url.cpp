#include "store/database_url.hpp"

#include <algorithm>
#include <charconv>

namespace segnala::store {
namespace {

using core::errc;

core::result<DatabaseUrl> bad(std::string* why, std::string message) {
    if (why != nullptr) {
        *why = std::move(message);
    }
    return errc::invalid_argument;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        if (i + 2 >= in.size()) {
            return false;
        }
        const int hi = hex_value(in[i + 1]);
        const int lo = hex_value(in[i + 2]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return true;
}

bool starts_with(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

core::result<DatabaseUrl> parse_sqlite(std::string_view rest, std::string* why) {
    if (starts_with(rest, "//")) {
        rest.remove_prefix(2);  // sqlite://relative or sqlite:///absolute
    }
    if (rest.empty()) {
        return bad(why, "sqlite: URL needs a file path, e.g. sqlite:var/segnala.db");
    }
    if (rest == ":memory:" || starts_with(rest, "file:")) {
        return bad(why,
                   "sqlite: needs a plain file path (in-memory and file: URIs are not "
                   "shared between the writer and the readers)");
    }
    if (rest.find('?') != std::string_view::npos) {
        return bad(why, "sqlite: URL takes no options");
    }
    DatabaseUrl u;
    u.kind = DatabaseUrl::Kind::sqlite;
    u.sqlite_path = std::string(rest);
    return u;
}

core::result<DatabaseUrl> parse_postgres(std::string_view url, std::string_view rest,
                                         std::string* why) {
    DatabaseUrl u;
    u.kind = DatabaseUrl::Kind::postgres;
    u.conninfo = std::string(url);
    std::string_view query;
    if (const auto q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    std::string_view path;
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        path = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
    }
    std::string_view authority = rest;
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
            u.has_password = true;
            userinfo = userinfo.substr(0, colon);
        }
        if (!percent_decode(userinfo, u.user)) {
            return bad(why, "postgresql: bad %-escape in the user name");
        }
    }
    std::string_view host = authority;
    std::string_view port;
    if (starts_with(host, "[")) {
        const auto close = host.find(']');
        if (close == std::string_view::npos) {
            return bad(why, "postgresql: unterminated [IPv6] host");
        }
        port = host.substr(close + 1);
        host = host.substr(1, close - 1);
        if (!port.empty()) {
            if (port[0] != ':') {
                return bad(why, "postgresql: unexpected text after the [IPv6] host");
            }
            port.remove_prefix(1);
        }
    } else if (const auto colon = host.find(':'); colon != std::string_view::npos) {
        port = host.substr(colon + 1);
        host = host.substr(0, colon);
    }
    if (host.find(',') != std::string_view::npos) {
        return bad(why, "postgresql: several hosts are not supported; use one host");
    }
    if (!percent_decode(host, u.host)) {
        return bad(why, "postgresql: bad %-escape in the host");
    }
    if (!port.empty()) {
        int p = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
        if (ec != std::errc() || end != port.data() + port.size() || p < 1 || p > 65535) {
            return bad(why, "postgresql: port must be a number from 1 to 65535, not '" +
                                std::string(port) + "'");
        }
        u.port = p;
    }
    if (!percent_decode(path, u.dbname) || u.dbname.find('/') != std::string::npos) {
        return bad(why, "postgresql: bad database name");
    }
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos || eq == 0) {
            return bad(why, "postgresql: option '" + std::string(pair.substr(0, 40)) +
                                "' must be key=value");
        }
        if (pair.substr(0, eq) == "password") {
            u.has_password = true;
        }
    }
    return u;
}

}  // namespace

std::string DatabaseUrl::redacted() const {
    if (kind == Kind::sqlite) {
        return "sqlite:" + sqlite_path;
    }
    std::string out = "postgresql://";
    if (!user.empty()) {
        out += user;
        out += has_password ? ":***@" : "@";
    }
    out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != 0) {
        out += ":" + std::to_string(port);
    }
    out += "/" + dbname;
    return out;
}

core::result<DatabaseUrl> parse_database_url(std::string_view url, std::string* why) {
    for (const char c : url) {
        if (static_cast<unsigned char>(c) < 0x20 || c == ' ' || c == 0x7f) {
            return bad(why, "database URL must not contain spaces or control characters");
        }
    }
    if (starts_with(url, "sqlite:")) {
        return parse_sqlite(url.substr(7), why);
    }
    for (const std::string_view scheme : {"postgresql://", "postgres://"}) {
        if (starts_with(url, scheme)) {
            return parse_postgres(url, url.substr(scheme.size()), why);
        }
    }
    return bad(why, "database URL must start with sqlite: or postgresql:// (got '" +
                        std::string(url.substr(0, std::min<std::size_t>(url.find(':'), 20))) +
                        "')");
}

}  // namespace segnala::store
