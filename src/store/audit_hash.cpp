#include "store/audit_hash.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace segnala::store {
namespace {

void field(std::string& out, std::string_view v) {
    out += std::to_string(v.size());
    out += ':';
    out += v;
    out += ';';
}

}  // namespace

std::string audit_canonical(const AuditEntry& e) {
    std::string out = "segnala-audit-v1;";
    field(out, e.prev_hash);
    field(out, std::to_string(e.seq));
    field(out, std::to_string(e.at));
    field(out, e.actor);
    field(out, e.action);
    field(out, e.object);
    field(out, e.detail);
    return out;
}

std::string sha256_hex(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("EVP_Digest(sha256) failed");  // a broken OpenSSL: a bug
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        hex += kHex[md[i] >> 4];
        hex += kHex[md[i] & 0x0f];
    }
    return hex;
}

std::string audit_hash(const AuditEntry& e) {
    return sha256_hex(audit_canonical(e));
}

}  // namespace segnala::store
