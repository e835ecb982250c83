#include "crypto/seal.hpp"

#include <fstream>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"

namespace segnala::crypto {
namespace {
namespace fs = std::filesystem;

class SealDir : public ::testing::Test {
  protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("segnala-seal-" + hex_encode(random_bytes(8)));
        dir_ = root_ / "keys";
    }
    void TearDown() override { fs::remove_all(root_); }

    static unsigned mode_of(const fs::path& p) {
        struct stat st {};
        EXPECT_EQ(::stat(p.c_str(), &st), 0);
        return st.st_mode & 0777;
    }

    fs::path root_;
    fs::path dir_;
};

TEST(Seal, RoundTripsWithAssociatedData) {
    const Sealer s = Sealer::in_memory_for_test();
    const std::string blob = s.seal("Mario Rossi, via Roma 1", "complaint:42:identity");
    EXPECT_EQ(blob.size(), Sealer::kOverhead + 23);
    EXPECT_EQ(static_cast<unsigned char>(blob[0]), Sealer::kSealVersion);
    EXPECT_EQ(blob.find("Mario"), std::string::npos);
    auto opened = s.open(blob, "complaint:42:identity");
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened.value(), "Mario Rossi, via Roma 1");
    EXPECT_EQ(s.open(s.seal("", ""), "").value(), "");
}

TEST(Seal, SameInputSealsDifferently) {
    const Sealer s = Sealer::in_memory_for_test();
    EXPECT_NE(s.seal("x", "ad"), s.seal("x", "ad"));
}

TEST(Seal, WrongAssociatedDataFails) {
    const Sealer s = Sealer::in_memory_for_test();
    const std::string blob = s.seal("secret", "complaint:42");
    EXPECT_EQ(s.open(blob, "complaint:43").error(), core::errc::invalid_argument);
    EXPECT_EQ(s.open(blob, "").error(), core::errc::invalid_argument);
}

TEST(Seal, EveryTamperedByteIsDetected) {
    const Sealer s = Sealer::in_memory_for_test();
    const std::string blob = s.seal("secret", "ad");
    for (std::size_t i = 0; i < blob.size(); ++i) {
        std::string bad = blob;
        bad[i] = static_cast<char>(bad[i] ^ 0x01);
        EXPECT_EQ(s.open(bad, "ad").error(), core::errc::invalid_argument) << "byte " << i;
    }
    EXPECT_EQ(s.open(blob.substr(0, blob.size() - 1), "ad").error(), core::errc::invalid_argument);
    EXPECT_EQ(s.open(blob.substr(0, Sealer::kOverhead - 1), "ad").error(),
              core::errc::invalid_argument);
    EXPECT_EQ(s.open("", "ad").error(), core::errc::invalid_argument);
}

TEST(Seal, AnotherSealersBlobDoesNotOpen) {
    const Sealer a = Sealer::in_memory_for_test();
    const Sealer b = Sealer::in_memory_for_test();
    EXPECT_EQ(b.open(a.seal("x", "ad"), "ad").error(), core::errc::invalid_argument);
}

TEST(Seal, RotateSealsWithNewKeyAndOpensOld) {
    Sealer s = Sealer::in_memory_for_test();
    const std::string old_blob = s.seal("old", "ad");
    EXPECT_EQ(s.current_key_id(), 1u);
    ASSERT_TRUE(s.rotate());
    EXPECT_EQ(s.current_key_id(), 2u);
    const std::string new_blob = s.seal("new", "ad");
    EXPECT_EQ(Sealer::key_id_of(old_blob).value(), 1u);
    EXPECT_EQ(Sealer::key_id_of(new_blob).value(), 2u);
    EXPECT_EQ(s.open(old_blob, "ad").value(), "old");
    EXPECT_EQ(s.open(new_blob, "ad").value(), "new");
}

TEST(Seal, SubkeysAreDerivedNotRaw) {
    const Sealer s = Sealer::in_memory_for_test();
    EXPECT_EQ(s.master_key().size(), kKeyBytes);
    EXPECT_EQ(s.subkey("ip-hasher"), derive_key(s.master_key(), "ip-hasher"));
    EXPECT_NE(s.subkey("ip-hasher"), std::string(s.master_key()));
    EXPECT_NE(s.subkey("ip-hasher"), s.subkey("altcha-hmac"));
}

TEST_F(SealDir, CreatesKeysWithPrivateModes) {
    auto s = Sealer::load_or_create(dir_);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(mode_of(dir_), 0700u);
    EXPECT_EQ(mode_of(dir_ / "key-1.bin"), 0600u);
    EXPECT_EQ(mode_of(dir_ / "master.bin"), 0600u);
    EXPECT_EQ(fs::file_size(dir_ / "key-1.bin"), 32u);
    EXPECT_EQ(s.value().current_key_id(), 1u);
}

TEST_F(SealDir, ReloadOpensWhatWasSealedAndKeepsMaster) {
    std::string blob;
    std::string master;
    {
        auto s = Sealer::load_or_create(dir_);
        ASSERT_TRUE(s);
        blob = s.value().seal("persisted", "ad");
        master = std::string(s.value().master_key());
    }
    auto again = Sealer::load_or_create(dir_);
    ASSERT_TRUE(again);
    EXPECT_EQ(again.value().open(blob, "ad").value(), "persisted");
    EXPECT_EQ(std::string(again.value().master_key()), master);
}

TEST_F(SealDir, RotateWritesNewestKeyAndReloadUsesIt) {
    std::string old_blob;
    {
        auto s = Sealer::load_or_create(dir_);
        ASSERT_TRUE(s);
        old_blob = s.value().seal("old", "ad");
        ASSERT_TRUE(s.value().rotate());
        EXPECT_TRUE(fs::exists(dir_ / "key-2.bin"));
        EXPECT_EQ(mode_of(dir_ / "key-2.bin"), 0600u);
    }
    auto s = Sealer::load_or_create(dir_);
    ASSERT_TRUE(s);
    EXPECT_EQ(s.value().current_key_id(), 2u);
    EXPECT_EQ(Sealer::key_id_of(s.value().seal("x", "")).value(), 2u);
    EXPECT_EQ(s.value().open(old_blob, "ad").value(), "old");
}

TEST_F(SealDir, KeyRotatedByAnotherProcessIsPickedUp) {
    auto a = Sealer::load_or_create(dir_);
    auto b = Sealer::load_or_create(dir_);
    ASSERT_TRUE(a && b);
    ASSERT_TRUE(a.value().rotate());
    const std::string blob = a.value().seal("from a", "ad");
    EXPECT_EQ(b.value().open(blob, "ad").value(), "from a");
    EXPECT_EQ(b.value().current_key_id(), 2u);
    ASSERT_TRUE(b.value().rotate());  // id 3, not a clash with a's key 2
    EXPECT_EQ(b.value().current_key_id(), 3u);
}

TEST_F(SealDir, RefusesKeysReadableByOthers) {
    ASSERT_TRUE(Sealer::load_or_create(dir_));
    fs::permissions(dir_ / "key-1.bin", fs::perms::group_read, fs::perm_options::add);
    EXPECT_EQ(Sealer::load_or_create(dir_).error(), core::errc::permission_denied);
    fs::permissions(dir_ / "key-1.bin", fs::perms::group_read, fs::perm_options::remove);
    fs::permissions(dir_, fs::perms::others_exec, fs::perm_options::add);
    EXPECT_EQ(Sealer::load_or_create(dir_).error(), core::errc::permission_denied);
}

TEST_F(SealDir, RefusesTruncatedKeyFile) {
    ASSERT_TRUE(Sealer::load_or_create(dir_));
    {
        std::ofstream f(dir_ / "key-1.bin", std::ios::trunc | std::ios::binary);
        f << "short";
    }
    EXPECT_EQ(Sealer::load_or_create(dir_).error(), core::errc::internal);
}

}  // namespace
}  // namespace segnala::crypto
