#include "web/views.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

namespace segnala::web {

namespace mst = kainjow::mustache;

namespace {

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + p.string());
    }
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

mst::data to_data(const nlohmann::json& j) {
    switch (j.type()) {
        case nlohmann::json::value_t::object: {
            mst::data d{mst::data::type::object};
            for (const auto& [k, v] : j.items()) {
                d.set(k, to_data(v));
            }
            return d;
        }
        case nlohmann::json::value_t::array: {
            mst::data d{mst::data::type::list};
            for (const auto& v : j) {
                d.push_back(to_data(v));
            }
            return d;
        }
        case nlohmann::json::value_t::string:
            return mst::data{j.get<std::string>()};
        case nlohmann::json::value_t::boolean:
            return j.get<bool>() ? mst::data{mst::data::type::bool_true}
                                 : mst::data{mst::data::type::bool_false};
        case nlohmann::json::value_t::number_integer:
        case nlohmann::json::value_t::number_unsigned:
        case nlohmann::json::value_t::number_float:
            return mst::data{j.dump()};
        case nlohmann::json::value_t::null:
        default:
            return mst::data{mst::data::type::bool_false};
    }
}

}  // namespace

std::string_view lang_code(Lang l) {
    return l == Lang::en ? "en" : "it";
}

struct Views::Impl {
    std::map<std::string, std::string, std::less<>> templates;
    nlohmann::json catalogs[2];
    nlohmann::json assets;
};

Views::Views(const std::filesystem::path& web_dir, std::map<std::string, std::string> asset_urls)
    : impl_(std::make_unique<Impl>()) {
    for (const auto& entry : std::filesystem::directory_iterator(web_dir / "views")) {
        if (entry.path().extension() == ".mustache") {
            std::string text = read_file(entry.path());
            mst::mustache check{text};
            if (!check.is_valid()) {
                throw std::runtime_error("bad template " + entry.path().string() + ": " +
                                         check.error_message());
            }
            impl_->templates.emplace(entry.path().stem().string(), std::move(text));
        }
    }
    // Each language is `i18n/<lang>.json` plus any `i18n/<area>.<lang>.json` (one per area of
    // the site); a key defined twice is an error.
    for (Lang l : {Lang::it, Lang::en}) {
        const std::string code(lang_code(l));
        auto& catalog = impl_->catalogs[static_cast<int>(l)];
        catalog = nlohmann::json::parse(read_file(web_dir / "i18n" / (code + ".json")));
        std::vector<std::filesystem::path> areas;
        for (const auto& entry : std::filesystem::directory_iterator(web_dir / "i18n")) {
            if (entry.path().filename().string().ends_with("." + code + ".json")) {
                areas.push_back(entry.path());
            }
        }
        std::sort(areas.begin(), areas.end());
        for (const auto& path : areas) {
            auto more = nlohmann::json::parse(read_file(path));
            for (auto& [k, v] : more.items()) {
                if (catalog.contains(k)) {
                    throw std::runtime_error("message '" + k + "' defined twice (" + path.string() +
                                             ")");
                }
                catalog[k] = std::move(v);
            }
        }
    }
    // Every key of the Italian catalog must exist in English and vice versa.
    for (const auto& [k, v] : impl_->catalogs[0].items()) {
        if (!impl_->catalogs[1].contains(k)) {
            throw std::runtime_error("message '" + k + "' missing from English");
        }
    }
    for (const auto& [k, v] : impl_->catalogs[1].items()) {
        if (!impl_->catalogs[0].contains(k)) {
            throw std::runtime_error("message '" + k + "' missing from Italian");
        }
    }
    impl_->assets = nlohmann::json::object();
    for (auto& [k, v] : asset_urls) {
        impl_->assets[k] = v;
    }
    if (!impl_->templates.contains("layout")) {
        throw std::runtime_error("views/layout.mustache missing");
    }
}

Views::~Views() = default;
Views::Views(Views&&) noexcept = default;

bool Views::has_view(std::string_view view) const {
    return impl_->templates.find(view) != impl_->templates.end();
}

std::string Views::text(Lang lang, std::string_view key,
                        const std::map<std::string, std::string>& vars) const {
    const auto& cat = impl_->catalogs[static_cast<int>(lang)];
    auto it = cat.find(std::string(key));
    if (it == cat.end() || !it->is_string()) {
        return std::string(key);
    }
    std::string s = it->get<std::string>();
    for (const auto& [name, value] : vars) {
        const std::string ph = "{{" + name + "}}";
        for (auto pos = s.find(ph); pos != std::string::npos;
             pos = s.find(ph, pos + value.size())) {
            s.replace(pos, ph.size(), value);
        }
    }
    return s;
}

std::string Views::page(std::string_view view, Lang lang, nlohmann::json data) const {
    auto it = impl_->templates.find(view);
    if (it == impl_->templates.end()) {
        throw std::logic_error("no view " + std::string(view));
    }
    data["t"] = impl_->catalogs[static_cast<int>(lang)];
    data["assets"] = impl_->assets;
    mst::data d = to_data(data);
    mst::mustache body{it->second};
    std::string content = body.render(d);
    // The one raw insertion: the page body rendered above, already escaped.
    d.set("content", content);
    mst::mustache layout{impl_->templates.find("layout")->second};
    return layout.render(d);
}

}  // namespace segnala::web
