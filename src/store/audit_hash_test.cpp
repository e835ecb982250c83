#include "store/audit_hash.hpp"

#include <gtest/gtest.h>

namespace segnala::store {
namespace {

AuditEntry sample() {
    AuditEntry e;
    e.seq = 1;
    e.at = 42;
    e.actor = "cli";
    e.action = "operator.create";
    e.object = "operator:1";
    e.detail = "{}";
    return e;
}

TEST(AuditHash, CanonicalFormIsLengthPrefixed) {
    EXPECT_EQ(audit_canonical(sample()),
              "segnala-audit-v1;0:;1:1;2:42;3:cli;15:operator.create;10:operator:1;2:{};");
}

TEST(AuditHash, Sha256KnownVector) {
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(AuditHash, HashIsOfCanonicalFormAndIgnoresStoredHash) {
    auto e = sample();
    EXPECT_EQ(audit_hash(e), sha256_hex(audit_canonical(e)));
    e.hash = "anything";
    EXPECT_EQ(audit_hash(e), sha256_hex(audit_canonical(sample())));
}

TEST(AuditHash, FieldBoundariesCannotBeShifted) {
    auto a = sample();
    auto b = sample();
    a.actor = "cli;";
    a.action = "x";
    b.actor = "cli";
    b.action = ";x";
    EXPECT_NE(audit_canonical(a), audit_canonical(b));
    EXPECT_NE(audit_hash(a), audit_hash(b));
}

TEST(AuditHash, EveryFieldCounts) {
    const auto base = audit_hash(sample());
    auto e = sample();
    e.prev_hash = "00";
    EXPECT_NE(audit_hash(e), base);
    e = sample();
    e.seq = 2;
    EXPECT_NE(audit_hash(e), base);
    e = sample();
    e.at = 43;
    EXPECT_NE(audit_hash(e), base);
    e = sample();
    e.object = "operator:2";
    EXPECT_NE(audit_hash(e), base);
    e = sample();
    e.detail = "{\"a\":1}";
    EXPECT_NE(audit_hash(e), base);
}

}  // namespace
}  // namespace segnala::store
