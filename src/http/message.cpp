#include "http/message.hpp"

#include <algorithm>

namespace segnala::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z') {
            x = static_cast<char>(x - 'A' + 'a');
        }
        if (y >= 'A' && y <= 'Z') {
            y = static_cast<char>(y - 'A' + 'a');
        }
        if (x != y) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::optional<std::string_view> Headers::get(std::string_view name) const {
    for (const auto& [n, v] : items_) {
        if (iequals(n, name)) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> Headers::get_all(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& [n, v] : items_) {
        if (iequals(n, name)) {
            out.emplace_back(v);
        }
    }
    return out;
}

void Headers::add(std::string name, std::string value) {
    items_.emplace_back(std::move(name), std::move(value));
}

void Headers::set(std::string name, std::string value) {
    erase(name);
    items_.emplace_back(std::move(name), std::move(value));
}

void Headers::erase(std::string_view name) {
    std::erase_if(items_, [&](const auto& item) { return iequals(item.first, name); });
}

std::string_view Request::param(std::string_view name) const {
    for (const auto& [n, v] : params) {
        if (n == name) {
            return v;
        }
    }
    return {};
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
    for (const auto& [n, v] : query) {
        if (n == name) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

namespace {
Response make(int status, std::string body, std::string_view content_type) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers.set("Content-Type", std::string(content_type));
    return r;
}
}  // namespace

Response Response::text(int status, std::string body) {
    return make(status, std::move(body), "text/plain; charset=utf-8");
}

Response Response::html(int status, std::string body) {
    return make(status, std::move(body), "text/html; charset=utf-8");
}

Response Response::json(int status, std::string body, std::string_view content_type) {
    return make(status, std::move(body), content_type);
}

Response Response::redirect(std::string location, int status) {
    Response r;
    r.status = status;
    r.headers.set("Location", std::move(location));
    return r;
}

}  // namespace segnala::http
