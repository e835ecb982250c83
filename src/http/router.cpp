#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace segnala::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/') {
        return out;
    }
    std::size_t pos = 1;
    for (;;) {
        std::size_t end = path.find('/', pos);
        if (end == std::string_view::npos) {
            out.push_back(path.substr(pos));
            return out;
        }
        out.push_back(path.substr(pos, end - pos));
        pos = end + 1;
    }
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') {
        s.remove_prefix(1);
    }
    while (!s.empty() && s.back() == ' ') {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

void Router::add(std::string_view methods, std::string pattern, Handler h, RouteOptions o) {
    Route r;
    r.handler = std::move(h);
    r.options = o;
    add_route(methods, std::move(pattern), std::move(r));
}

void Router::add_async(std::string_view methods, std::string pattern, AsyncHandler h,
                       RouteOptions o) {
    Route r;
    r.async_handler = std::move(h);
    r.options = o;
    add_route(methods, std::move(pattern), std::move(r));
}

void Router::add_route(std::string_view methods, std::string pattern, Route r) {
    if (pattern.empty() || pattern.front() != '/') {
        throw std::invalid_argument("route pattern must start with '/': " + pattern);
    }
    auto parts = split_path(pattern);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        std::string_view p = parts[i];
        if (p.size() >= 2 && p.front() == '{' && p.back() == '}') {
            std::string_view name = p.substr(1, p.size() - 2);
            bool tail = name.size() > 3 && name.substr(name.size() - 3) == "...";
            if (tail) {
                name.remove_suffix(3);
                if (i + 1 != parts.size()) {
                    throw std::invalid_argument("tail parameter must be last: " + pattern);
                }
            }
            if (name.empty() || name.find_first_of("{}/") != std::string_view::npos) {
                throw std::invalid_argument("bad parameter in route pattern: " + pattern);
            }
            r.segments.push_back(
                {tail ? Segment::Kind::tail : Segment::Kind::param, std::string(name)});
        } else {
            if (p.find_first_of("{}") != std::string_view::npos) {
                throw std::invalid_argument("bad literal in route pattern: " + pattern);
            }
            r.segments.push_back({Segment::Kind::literal, std::string(p)});
        }
    }
    std::size_t pos = 0;
    while (pos <= methods.size()) {
        std::size_t end = methods.find(',', pos);
        if (end == std::string_view::npos) {
            end = methods.size();
        }
        std::string_view m = trim(methods.substr(pos, end - pos));
        if (!m.empty()) {
            r.methods.emplace_back(m);
        }
        pos = end + 1;
    }
    if (r.methods.empty()) {
        throw std::invalid_argument("route without methods: " + pattern);
    }
    r.pattern = std::move(pattern);
    max_body_limit_ = std::max(max_body_limit_, r.options.body_limit);
    routes_.push_back(std::move(r));
}

bool Router::match_route(const Route& r, std::string_view path,
                         std::vector<std::pair<std::string, std::string>>* params) const {
    if (path.empty() || path.front() != '/') {
        return false;
    }
    std::size_t pos = 1;  // start of the current path segment
    for (std::size_t i = 0; i < r.segments.size(); ++i) {
        const Segment& s = r.segments[i];
        if (pos > path.size()) {
            return false;  // path has fewer segments than the pattern
        }
        if (s.kind == Segment::Kind::tail) {
            std::string_view rest = path.substr(pos);
            if (rest.empty()) {
                return false;
            }
            if (params) {
                params->emplace_back(s.text, std::string(rest));
            }
            return true;
        }
        std::size_t end = path.find('/', pos);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        std::string_view seg = path.substr(pos, end - pos);
        if (s.kind == Segment::Kind::literal) {
            if (seg != s.text) {
                return false;
            }
        } else {
            if (seg.empty()) {
                return false;
            }
            if (params) {
                params->emplace_back(s.text, std::string(seg));
            }
        }
        pos = end + 1;
    }
    return pos == path.size() + 1;  // every path segment consumed
}

Router::Match Router::match(std::string_view method, std::string_view decoded_path) const {
    Match m;
    const Route* best = nullptr;
    std::vector<std::string> allowed;
    auto more_specific = [](const Route& a, const Route& b) {
        std::size_t n = std::min(a.segments.size(), b.segments.size());
        for (std::size_t i = 0; i < n; ++i) {
            if (a.segments[i].kind != b.segments[i].kind) {
                return a.segments[i].kind < b.segments[i].kind;
            }
        }
        return a.segments.size() > b.segments.size();
    };
    std::string_view effective = method == "HEAD" ? std::string_view("GET") : method;
    for (const Route& r : routes_) {
        if (!match_route(r, decoded_path, nullptr)) {
            continue;
        }
        for (const auto& rm : r.methods) {
            if (std::find(allowed.begin(), allowed.end(), rm) == allowed.end()) {
                allowed.push_back(rm);
            }
        }
        bool method_ok =
            std::find(r.methods.begin(), r.methods.end(), method) != r.methods.end() ||
            std::find(r.methods.begin(), r.methods.end(), effective) != r.methods.end();
        if (method_ok && (best == nullptr || more_specific(r, *best))) {
            best = &r;
        }
    }
    if (allowed.empty()) {
        return m;
    }
    if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end() &&
        std::find(allowed.begin(), allowed.end(), "HEAD") == allowed.end()) {
        allowed.emplace_back("HEAD");
    }
    for (const auto& a : allowed) {
        if (!m.allow.empty()) {
            m.allow += ", ";
        }
        m.allow += a;
    }
    if (best == nullptr) {
        m.outcome = Outcome::method_not_allowed;
        return m;
    }
    m.outcome = Outcome::found;
    if (best->async_handler) {
        m.async_handler = &best->async_handler;
    } else {
        m.handler = &best->handler;
    }
    m.options = &best->options;
    m.pattern = best->pattern;
    match_route(*best, decoded_path, &m.params);
    return m;
}

}  // namespace segnala::http
