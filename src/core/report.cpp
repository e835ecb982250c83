#include "core/report.hpp"

namespace segnala::core {

std::string_view to_string(Category c) {
    switch (c) {
        case Category::phishing:
            return "phishing";
        case Category::spam:
            return "spam";
        case Category::csam:
            return "csam";
        case Category::fraud:
            return "fraud";
        case Category::malware:
            return "malware";
        case Category::other:
            return "other";
    }
    return "other";
}

std::optional<Category> parse_category(std::string_view s) {
    for (auto c : kCategories) {
        if (to_string(c) == s) {
            return c;
        }
    }
    return std::nullopt;
}

std::string_view to_string(Status s) {
    switch (s) {
        case Status::received:
            return "received";
        case Status::in_review:
            return "in_review";
        case Status::confirmed:
            return "confirmed";
        case Status::action_taken:
            return "action_taken";
        case Status::closed:
            return "closed";
        case Status::not_actionable:
            return "not_actionable";
    }
    return "received";
}

std::optional<Status> parse_status(std::string_view s) {
    for (auto v : kStatuses) {
        if (to_string(v) == s) {
            return v;
        }
    }
    return std::nullopt;
}

std::string_view to_string(Channel c) {
    switch (c) {
        case Channel::web:
            return "web";
        case Channel::api:
            return "api";
        case Channel::mail:
            return "mail";
    }
    return "web";
}

std::optional<Channel> parse_channel(std::string_view s) {
    for (auto c : {Channel::web, Channel::api, Channel::mail}) {
        if (to_string(c) == s) {
            return c;
        }
    }
    return std::nullopt;
}

}  // namespace segnala::core
