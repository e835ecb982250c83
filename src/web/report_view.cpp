#include "web/report_view.hpp"

#include <algorithm>
#include <array>
#include <chrono>

#include <fmt/format.h>

#include "core/civil_time.hpp"

namespace segnala::web {

namespace {

constexpr std::array<std::string_view, 6> kCategoryNames = {"phishing", "spam",    "csam",
                                                            "fraud",    "malware", "other"};
// Fields of the form whose errors are shown beside them, in the order of the page.
constexpr std::array<std::string_view, 8> kFieldNames = {
    "category", "urls", "sender", "subject", "text", "description", "attachments", "contact"};
// The cookie stays well below the 4 KB browsers keep per cookie.
constexpr std::size_t kMaxSlipBytes = 3000;
constexpr std::size_t kMaxDisplayBytes = 160;

std::string message(const Views& views, Lang lang, const std::string& code) {
    const std::string key = "err_" + code;
    std::string m = views.text(lang, key);
    return m == key ? views.text(lang, "err_unknown") : m;
}

/// "urls/3" → ("urls", 3); "contact" → ("contact", nullopt).
std::pair<std::string, std::optional<std::size_t>> split_field(const std::string& field) {
    const auto slash = field.find('/');
    if (slash == std::string::npos) {
        return {field, std::nullopt};
    }
    std::size_t index = 0;
    for (char c : field.substr(slash + 1)) {
        if (c < '0' || c > '9' || index > 1'000'000) {
            return {field.substr(0, slash), std::nullopt};
        }
        index = index * 10 + static_cast<std::size_t>(c - '0');
    }
    return {field.substr(0, slash), index};
}

/// Cuts at a UTF-8 character boundary and marks the cut.
std::string shorten(const std::string& s, std::size_t max) {
    if (s.size() <= max) {
        return s;
    }
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) {
        --n;
    }
    return s.substr(0, n) + "…";
}

constexpr std::string_view kB64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64url_encode(std::string_view in) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : in) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kB64[(acc >> bits) & 0x3F];
        }
    }
    if (bits > 0) {
        out += kB64[(acc << (6 - bits)) & 0x3F];
    }
    return out;
}

std::optional<std::string> b64url_decode(std::string_view in) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        const auto v = kB64.find(c);
        if (v == std::string_view::npos) {
            return std::nullopt;
        }
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    return out;
}

}  // namespace

app::ReportForm to_report_form(const ReportFields& f, std::vector<http::Part>& files) {
    app::ReportForm form;
    form.category = f.category;
    std::string_view rest = f.urls;
    while (!rest.empty()) {
        const auto nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        form.urls.emplace_back(line);
        if (nl == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(nl + 1);
    }
    form.sender = f.sender;
    form.subject = f.subject;
    form.text = f.text;
    form.description = f.description;
    form.contact = f.contact;
    for (auto& part : files) {
        // An empty file input still sends a part, without a name and without bytes.
        if (part.name != "attachments" || (part.filename.empty() && part.data.empty())) {
            continue;
        }
        form.attachments.push_back({std::move(part.data), part.filename});
    }
    return form;
}

nlohmann::json report_form_view(const Views& views, Lang lang, const ReportFields& f,
                                const std::vector<app::FieldError>& errors,
                                const std::vector<std::string>& file_names) {
    nlohmann::json fields = nlohmann::json::object();
    for (auto name : kFieldNames) {
        fields[std::string(name)] = {{"invalid", false}, {"errors", nlohmann::json::array()}};
    }
    fields["urls"]["value"] = f.urls;
    fields["sender"]["value"] = f.sender;
    fields["subject"]["value"] = f.subject;
    fields["text"]["value"] = f.text;
    fields["description"]["value"] = f.description;
    fields["contact"]["value"] = f.contact;

    // Errors in the order of the page, so that the summary reads top to bottom.
    nlohmann::json summary = nlohmann::json::array();
    for (auto name : kFieldNames) {
        for (const auto& e : errors) {
            auto [field, index] = split_field(e.field);
            if (field != name) {
                continue;
            }
            std::string text = message(views, lang, e.code);
            if (index && field == "urls") {
                text = views.text(lang, "report_error_line",
                                  {{"line", std::to_string(*index + 1)}, {"message", text}});
            } else if (index && field == "attachments") {
                std::string n = std::to_string(*index + 1);
                if (*index < file_names.size() && !file_names[*index].empty()) {
                    n += " (" + shorten(file_names[*index], 80) + ")";
                }
                text = views.text(lang, "report_error_file", {{"n", n}, {"message", text}});
            }
            auto& slot = fields[field];
            slot["invalid"] = true;
            slot["errors"].push_back(text);
            const std::string target =
                field == "category"
                    ? "category-" +
                          std::string(std::find(kCategoryNames.begin(), kCategoryNames.end(),
                                                f.category) != kCategoryNames.end()
                                          ? f.category
                                          : "phishing")
                    : field;
            summary.push_back({{"target", target}, {"message", text}});
        }
    }

    nlohmann::json categories = nlohmann::json::array();
    for (auto name : kCategoryNames) {
        const std::string n(name);
        categories.push_back({{"value", n},
                              {"label", views.text(lang, "cat_" + n)},
                              {"hint", views.text(lang, "cat_" + n + "_hint")},
                              {"checked", f.category == name},
                              {"invalid", fields["category"]["invalid"]}});
    }
    return {{"title", views.text(lang, "report_title")},
            {"categories", std::move(categories)},
            {"fields", std::move(fields)},
            {"has_errors", !summary.empty()},
            {"errors", std::move(summary)},
            {"files_again", !errors.empty() && !file_names.empty()},
            {"csam_selected", f.category == "csam"}};
}

std::string encode_slip(const app::Receipt& r, bool csam) {
    nlohmann::json j = {{"c", r.code}, {"x", csam}};
    nlohmann::json known = nlohmann::json::array();
    if (!csam) {
        for (const auto& k : r.known) {
            known.push_back({shorten(k.display, kMaxDisplayBytes), k.previous_reports, k.first_seen,
                             k.blocked, k.blocked_at});
        }
    }
    j["k"] = known;
    std::string out = b64url_encode(j.dump());
    while (out.size() > kMaxSlipBytes && !j["k"].empty()) {
        j["k"].erase(j["k"].size() - 1);
        j["m"] = true;
        out = b64url_encode(j.dump());
    }
    return out;
}

std::optional<ReceiptSlip> decode_slip(std::string_view cookie_value) {
    if (cookie_value.empty() || cookie_value.size() > 2 * kMaxSlipBytes) {
        return std::nullopt;
    }
    auto raw = b64url_decode(cookie_value);
    if (!raw) {
        return std::nullopt;
    }
    auto j = nlohmann::json::parse(*raw, nullptr, false);
    if (!j.is_object() || !j.contains("c") || !j["c"].is_string() || !j.contains("x") ||
        !j["x"].is_boolean() || !j.contains("k") || !j["k"].is_array()) {
        return std::nullopt;
    }
    ReceiptSlip s;
    s.code = j["c"].get<std::string>();
    s.csam = j["x"].get<bool>();
    if (s.code.empty() || s.code.size() > 32) {
        return std::nullopt;
    }
    if (s.csam) {
        return s;
    }
    for (const auto& e : j["k"]) {
        if (!e.is_array() || e.size() != 5 || !e[0].is_string() || !e[1].is_number_integer() ||
            !e[2].is_number_integer() || !e[3].is_boolean() || !e[4].is_number_integer()) {
            return std::nullopt;
        }
        s.known.push_back({e[0].get<std::string>(), e[1].get<std::int64_t>(),
                           e[2].get<std::int64_t>(), e[3].get<bool>(), e[4].get<std::int64_t>()});
    }
    s.more_known = j.value("m", false);
    return s;
}

nlohmann::json receipt_view(const Views& views, Lang lang, const ReceiptSlip& slip) {
    nlohmann::json known = nlohmann::json::array();
    for (const auto& k : slip.known) {
        std::string text;
        if (k.blocked) {
            text = views.text(lang, "known_blocked", {{"date", format_date(k.blocked_at, lang)}});
        } else {
            text = views.text(
                lang, k.previous_reports == 1 ? "known_reported_one" : "known_reported_many",
                {{"count", std::to_string(k.previous_reports)},
                 {"date", format_date(k.first_seen, lang)}});
        }
        known.push_back({{"display", k.display}, {"text", text}});
    }
    return {{"title", views.text(lang, "receipt_title")},
            {"code", slip.code},
            {"csam", slip.csam},
            {"has_known", !known.empty()},
            {"known", std::move(known)},
            {"status_href", "/stato?codice=" + slip.code}};
}

std::string format_date(std::int64_t unix_seconds, Lang lang) {
    const core::RomeTime t = core::rome_time(unix_seconds);
    if (lang == Lang::en) {
        static constexpr std::array<const char*, 12> kMonths = {
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        return fmt::format("{} {} {}", t.day, kMonths[t.month - 1], t.year);
    }
    return fmt::format("{:02}/{:02}/{}", t.day, t.month, t.year);
}

std::string format_datetime(std::int64_t unix_seconds, Lang lang) {
    if (unix_seconds <= 0) {
        return "—";
    }
    const core::RomeTime t = core::rome_time(unix_seconds);
    return fmt::format("{} {:02}:{:02}", format_date(unix_seconds, lang), t.hour, t.minute);
}

std::string status_key(core::Status s) {
    return "st_" + std::string(core::to_string(s));
}

}  // namespace segnala::web
