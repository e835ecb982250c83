#include "http/static_files.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>
#include <zlib.h>

namespace segnala::http {
namespace {

struct Asset {
    std::string content_type;
    std::string body;
    std::string gzip_body;  // empty when no smaller gzip variant
    std::string etag;       // strong, quoted
    std::string gzip_etag;
};

struct Entry {
    std::shared_ptr<const Asset> asset;
    bool immutable = false;
};

// FNV-1a 64: stable across processes and machines, so every instance sends the same ETag.
std::uint64_t content_hash(std::string_view data) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : data) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

bool compressible(std::string_view type) {
    return type.starts_with("text/") || type.starts_with("application/javascript") ||
           type.starts_with("application/json") || type.starts_with("image/svg+xml") ||
           type.starts_with("image/x-icon");
}

std::string gzip(std::string_view in) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
        return {};
    }
    std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return rc == Z_STREAM_END ? out : std::string{};
}

std::string fingerprinted(std::string_view logical, std::uint64_t hash) {
    std::size_t slash = logical.rfind('/');
    std::size_t dot = logical.rfind('.');
    std::string fp = fmt::format("{:08x}", static_cast<std::uint32_t>(hash >> 32));
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash) ||
        dot == slash + 1) {
        return std::string(logical) + "." + fp;
    }
    return fmt::format("{}.{}{}", logical.substr(0, dot), fp, logical.substr(dot));
}

// True when an If-None-Match value lists `etag` (weak comparison, as RFC 9110 asks for GET).
bool etag_listed(std::string_view header, std::string_view etag) {
    std::size_t pos = 0;
    while (pos < header.size()) {
        std::size_t end = header.find(',', pos);
        if (end == std::string_view::npos) {
            end = header.size();
        }
        std::string_view t = header.substr(pos, end - pos);
        pos = end + 1;
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) {
            t.remove_prefix(1);
        }
        while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) {
            t.remove_suffix(1);
        }
        if (t.starts_with("W/")) {
            t.remove_prefix(2);
        }
        if (t == "*" || t == etag) {
            return true;
        }
    }
    return false;
}

}  // namespace

struct StaticFiles::Table {
    std::unordered_map<std::string, Entry> by_url;
    std::unordered_map<std::string, std::string> fingerprint_of;  // logical → fingerprinted url
    std::size_t files = 0;
};

std::string_view content_type_for(std::string_view filename) {
    static const std::pair<std::string_view, std::string_view> kTypes[] = {
        {".css", "text/css; charset=utf-8"},
        {".js", "application/javascript; charset=utf-8"},
        {".mjs", "application/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".woff", "font/woff"},
        {".woff2", "font/woff2"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".txt", "text/plain; charset=utf-8"},
        {".html", "text/html; charset=utf-8"},
    };
    std::size_t dot = filename.rfind('.');
    if (dot != std::string_view::npos) {
        std::string ext;
        for (char c : filename.substr(dot)) {
            ext.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        }
        for (const auto& [e, type] : kTypes) {
            if (e == ext) {
                return type;
            }
        }
    }
    return "application/octet-stream";
}

bool accepts_gzip(std::string_view header) {
    std::size_t pos = 0;
    while (pos < header.size()) {
        std::size_t end = header.find(',', pos);
        if (end == std::string_view::npos) {
            end = header.size();
        }
        std::string_view item = header.substr(pos, end - pos);
        pos = end + 1;
        std::size_t semi = item.find(';');
        std::string_view coding = item.substr(0, semi);
        while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) {
            coding.remove_prefix(1);
        }
        while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) {
            coding.remove_suffix(1);
        }
        std::string lower;
        for (char c : coding) {
            lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        }
        if (lower != "gzip" && lower != "x-gzip" && lower != "*") {
            continue;
        }
        if (semi == std::string_view::npos) {
            return true;
        }
        std::string_view params = item.substr(semi + 1);
        std::size_t q = params.find("q=");
        if (q == std::string_view::npos) {
            return true;
        }
        std::string_view v = params.substr(q + 2);
        // q=0, q=0.0, q=0.000 refuse; anything else accepts.
        bool zero = !v.empty() && v.front() == '0';
        for (std::size_t i = 1; zero && i < v.size() && v[i] != ' ' && v[i] != ';'; ++i) {
            if (v[i] != '.' && v[i] != '0') {
                zero = false;
            }
        }
        return !zero;
    }
    return false;
}

StaticFiles::StaticFiles() : table_(std::make_shared<Table>()) {}
StaticFiles::~StaticFiles() = default;

void StaticFiles::mount(std::string url_prefix, const std::filesystem::path& dir,
                        bool fingerprint) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        throw std::runtime_error("static files: not a directory: " + dir.string());
    }
    while (!url_prefix.empty() && url_prefix.back() == '/') {
        url_prefix.pop_back();
    }
    for (const auto& de : fs::recursive_directory_iterator(dir)) {
        if (!de.is_regular_file()) {
            continue;
        }
        std::ifstream in(de.path(), std::ios::binary);
        if (!in) {
            throw std::runtime_error("static files: cannot read " + de.path().string());
        }
        std::ostringstream ss;
        ss << in.rdbuf();
        auto asset = std::make_shared<Asset>();
        asset->body = std::move(ss).str();
        std::string logical = url_prefix + "/" + fs::relative(de.path(), dir).generic_string();
        asset->content_type = std::string(content_type_for(logical));
        std::uint64_t hash = content_hash(asset->body);
        asset->etag = fmt::format("\"{:016x}\"", hash);
        if (compressible(asset->content_type) && asset->body.size() > 128) {
            std::string gz = gzip(asset->body);
            if (!gz.empty() && gz.size() < asset->body.size()) {
                asset->gzip_body = std::move(gz);
                asset->gzip_etag = fmt::format("\"{:016x}-gz\"", hash);
            }
        }
        table_->by_url[logical] = Entry{asset, false};
        if (fingerprint) {
            std::string fp = fingerprinted(logical, hash);
            table_->by_url[fp] = Entry{asset, true};
            table_->fingerprint_of[logical] = std::move(fp);
        }
        ++table_->files;
    }
}

std::string StaticFiles::url_for(std::string_view logical_path) const {
    auto it = table_->fingerprint_of.find(std::string(logical_path));
    return it == table_->fingerprint_of.end() ? std::string(logical_path) : it->second;
}

std::size_t StaticFiles::size() const {
    return table_->files;
}

Handler StaticFiles::handler() const {
    return [table = std::shared_ptr<const Table>(table_)](Request& req) -> Response {
        auto it = table->by_url.find(req.path);
        if (it == table->by_url.end()) {
            return Response::text(404, "Not found\n");
        }
        const Asset& a = *it->second.asset;
        Response r;
        r.headers.set("Cache-Control",
                      it->second.immutable ? "public, max-age=31536000, immutable" : "no-cache");
        bool has_gzip = !a.gzip_body.empty();
        if (has_gzip) {
            r.headers.set("Vary", "Accept-Encoding");
        }
        bool use_gzip = has_gzip && accepts_gzip(req.headers.get("Accept-Encoding").value_or(""));
        const std::string& etag = use_gzip ? a.gzip_etag : a.etag;
        r.headers.set("ETag", etag);
        if (auto inm = req.headers.get("If-None-Match"); inm && etag_listed(*inm, etag)) {
            r.status = 304;
            return r;
        }
        r.status = 200;
        r.headers.set("Content-Type", a.content_type);
        if (use_gzip) {
            r.headers.set("Content-Encoding", "gzip");
            r.body = a.gzip_body;
        } else {
            r.body = a.body;
        }
        return r;
    };
}

}  // namespace segnala::http
