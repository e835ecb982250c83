#include "api/report_request.hpp"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <unordered_set>

#include <nlohmann/json.hpp>

namespace segnala::api {

using core::errc;
using nlohmann::json;

namespace {

// Nesting depth of arrays/objects outside strings. Cheap, and run before building a DOM so
// that "[[[[…" of 8 MiB never turns into millions of nested values. For a body the parser
// rejects later, the scan still bounds every prefix the parser reads.
std::size_t max_nesting(std::string_view body) {
    std::size_t depth = 0;
    std::size_t deepest = 0;
    bool in_string = false;
    bool escaped = false;
    for (char c : body) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        switch (c) {
            case '"':
                in_string = true;
                break;
            case '[':
            case '{':
                deepest = std::max(deepest, ++depth);
                break;
            case ']':
            case '}':
                depth = depth > 0 ? depth - 1 : 0;
                break;
            default:
                break;
        }
    }
    return deepest;
}

// Tracks where the parser is, to name duplicate keys by JSON pointer (nlohmann keeps the
// last of duplicate keys silently; a report must not mean two things).
struct Frame {
    bool object = false;
    std::string pointer;
    std::size_t next_index = 0;
    std::string last_key;
    std::unordered_set<std::string> keys;
};

class DuplicateFinder {
  public:
    bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start: {
                Frame f;
                f.object = event == json::parse_event_t::object_start;
                f.pointer = child_pointer();
                frames_.push_back(std::move(f));
                break;
            }
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                if (!frames_.empty()) {
                    frames_.pop_back();
                }
                break;
            case json::parse_event_t::key:
                if (!frames_.empty() && parsed.is_string()) {
                    Frame& f = frames_.back();
                    f.last_key = parsed.get_ref<const std::string&>();
                    if (!f.keys.insert(f.last_key).second) {
                        duplicates.push_back(f.pointer + "/" + pointer_token(f.last_key));
                    }
                }
                break;
            case json::parse_event_t::value:
                if (!frames_.empty() && !frames_.back().object) {
                    ++frames_.back().next_index;
                }
                break;
        }
        return true;
    }

    std::vector<std::string> duplicates;

  private:
    std::string child_pointer() {
        if (frames_.empty()) {
            return "";
        }
        Frame& p = frames_.back();
        if (p.object) {
            return p.pointer + "/" + pointer_token(p.last_key);
        }
        return p.pointer + "/" + std::to_string(p.next_index++);
    }

    std::vector<Frame> frames_;
};

bool is_known_field(const std::string& name) {
    return std::any_of(std::begin(kReportFields), std::end(kReportFields),
                       [&](const char* f) { return name == f; });
}

// Maps one report object; returns whether it had structural errors.
bool map_report(const json& obj, const std::string& base, const ParseLimits& limits,
                app::ReportForm& form, std::vector<ApiFieldError>& errors) {
    const std::size_t before = errors.size();
    for (const auto& [name, value] : obj.items()) {
        const std::string at = base + "/" + pointer_token(name);
        if (!is_known_field(name)) {
            errors.push_back(
                {name.size() <= limits.max_reported_name ? at : base, "unknown_field"});
            continue;
        }
        if (name == "urls") {
            if (!value.is_array()) {
                errors.push_back({at, "type_array"});
                continue;
            }
            std::size_t i = 0;
            for (const auto& u : value) {
                if (u.is_string()) {
                    form.urls.push_back(u.get<std::string>());
                } else {
                    errors.push_back({at + "/" + std::to_string(i), "type_string"});
                }
                ++i;
            }
            continue;
        }
        std::string* target = name == "category"      ? &form.category
                              : name == "description" ? &form.description
                              : name == "contact"     ? &form.contact
                              : name == "sender"      ? &form.sender
                              : name == "subject"     ? &form.subject
                                                      : &form.text;
        if (value.is_string()) {
            *target = value.get<std::string>();
        } else if (!(value.is_null() && name != "category")) {
            // null means "not given" for the optional fields.
            errors.push_back({at, "type_string"});
        }
    }
    return errors.size() != before;
}

}  // namespace

std::string pointer_token(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

core::result<ParsedRequest> parse_report_request(std::string_view body, const ParseLimits& limits) {
    if (max_nesting(body) > limits.max_depth) {
        return errc::invalid_argument;
    }
    DuplicateFinder dups;
    json doc = json::parse(body.begin(), body.end(), std::ref(dups), /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
        return errc::invalid_argument;
    }
    ParsedRequest out;
    for (auto& d : dups.duplicates) {
        out.errors.push_back({std::move(d), "duplicate_field"});
    }
    if (doc.is_object()) {
        out.reports.emplace_back();
        out.report_has_errors.push_back(map_report(doc, "", limits, out.reports[0], out.errors));
    } else if (doc.is_array()) {
        out.is_array = true;
        if (doc.empty()) {
            out.errors.push_back({"", "batch_empty"});
        } else if (doc.size() > limits.max_reports) {
            out.errors.push_back({"", "batch_too_large"});
        } else {
            out.reports.resize(doc.size());
            out.report_has_errors.resize(doc.size());
            for (std::size_t i = 0; i < doc.size(); ++i) {
                const std::string base = "/" + std::to_string(i);
                if (!doc[i].is_object()) {
                    out.errors.push_back({base, "type_object"});
                    out.report_has_errors[i] = true;
                    continue;
                }
                out.report_has_errors[i] =
                    map_report(doc[i], base, limits, out.reports[i], out.errors);
            }
        }
    } else {
        out.errors.push_back({"", "type_object"});
    }
    // A duplicate inside a report marks that report as erroneous too.
    for (const auto& e : out.errors) {
        if (e.code != "duplicate_field" || out.reports.empty()) {
            continue;
        }
        if (!out.is_array) {
            out.report_has_errors[0] = true;
        } else if (e.pointer.size() > 1) {
            const auto idx = std::strtoull(e.pointer.c_str() + 1, nullptr, 10);
            if (idx < out.report_has_errors.size()) {
                out.report_has_errors[idx] = true;
            }
        }
    }
    return out;
}

}  // namespace segnala::api
