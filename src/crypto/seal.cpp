#include "crypto/seal.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <map>
#include <mutex>
#include <shared_mutex>

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "crypto/sodium.hpp"

namespace segnala::crypto {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kHeaderBytes = 1 + 4;
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(Sealer::kOverhead == kHeaderBytes + kNonceBytes + kTagBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kKeyBytes);
constexpr std::string_view kMasterFile = "master.bin";

using Key = std::array<unsigned char, kKeyBytes>;

boost::system::error_code system_error(int err) {
    return {err, boost::system::system_category()};
}

boost::system::error_code from_std(const std::error_code& ec) {
    return system_error(ec.value());
}

/// Parses "key-<id>.bin"; 0 if the name is not a key file.
std::uint32_t key_id_from_name(std::string_view name) {
    if (!name.starts_with("key-") || !name.ends_with(".bin")) {
        return 0;
    }
    const std::string_view digits = name.substr(4, name.size() - 8);
    std::uint32_t id = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty() ||
        digits[0] == '0') {
        return 0;
    }
    return id;
}

std::string key_file_name(std::uint32_t id) {
    return "key-" + std::to_string(id) + ".bin";
}

bool too_open(fs::perms p) {
    return (p & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none;
}

core::result<Key> read_key_file(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        return system_error(errno);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        return system_error(err);
    }
    if ((st.st_mode & 077) != 0) {
        ::close(fd);
        return core::errc::permission_denied;
    }
    Key key{};
    std::array<unsigned char, kKeyBytes + 1> buf{};
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    ::close(fd);
    if (n != static_cast<ssize_t>(kKeyBytes)) {
        sodium_memzero(buf.data(), buf.size());
        return core::errc::internal;
    }
    std::copy_n(buf.begin(), kKeyBytes, key.begin());
    sodium_memzero(buf.data(), buf.size());
    return key;
}

/// Writes a new key file durably and without ever replacing an existing one: write a temporary
/// file, fsync, link() it to its final name (fails with EEXIST if another process won), fsync
/// the directory.
core::result<void> write_key_file(const fs::path& dir, std::string_view name, const Key& key) {
    const fs::path tmp = dir / (".tmp-" + random_token(9));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return system_error(errno);
    }
    const bool ok =
        ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(tmp.c_str());
        return system_error(err);
    }
    const int linked = ::link(tmp.c_str(), (dir / name).c_str());
    const int link_err = errno;
    ::unlink(tmp.c_str());
    if (linked != 0) {
        return system_error(link_err);
    }
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return core::success();
}

Key random_key() {
    Key key{};
    detail::ensure_sodium();
    randombytes_buf(key.data(), key.size());
    return key;
}

void put_be32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<char>((v >> shift) & 0xff));
    }
}

std::uint32_t get_be32(std::string_view in) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
        v = (v << 8) | static_cast<unsigned char>(in[i]);
    }
    return v;
}

}  // namespace

struct Sealer::Impl {
    fs::path dir;  // empty: in memory only
    mutable std::shared_mutex mutex;
    std::map<std::uint32_t, Key> keys;  // never empty once constructed
    Key master{};

    ~Impl() {
        for (auto& [id, key] : keys) {
            sodium_memzero(key.data(), key.size());
        }
        sodium_memzero(master.data(), master.size());
    }

    std::uint32_t newest() const { return keys.rbegin()->first; }

    /// Reads every key file of `dir` into `keys` (caller holds the exclusive lock or owns *this).
    core::result<void> load_keys() {
        std::error_code ec;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            const std::uint32_t id = key_id_from_name(it->path().filename().native());
            if (id == 0 || keys.contains(id)) {
                continue;
            }
            SEGNALA_TRY(key, read_key_file(it->path()));
            keys.emplace(id, key);
        }
        if (ec) {
            return from_std(ec);
        }
        return core::success();
    }

    /// Adds the key after the newest one on disk, retrying if another process took the id.
    core::result<void> add_key() {
        for (int attempt = 0; attempt < 5; ++attempt) {
            const std::uint32_t id = keys.empty() ? 1 : newest() + 1;
            Key key = random_key();
            if (dir.empty()) {
                keys.emplace(id, key);
                return core::success();
            }
            auto written = write_key_file(dir, key_file_name(id), key);
            if (written) {
                keys.emplace(id, key);
                return core::success();
            }
            sodium_memzero(key.data(), key.size());
            if (written.error() != system_error(EEXIST)) {
                return written.error();
            }
            if (auto reloaded = load_keys(); !reloaded) {
                return reloaded.error();
            }
        }
        return core::errc::conflict;
    }
};

Sealer::Sealer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Sealer::Sealer(Sealer&&) noexcept = default;
Sealer& Sealer::operator=(Sealer&&) noexcept = default;
Sealer::~Sealer() = default;

core::result<Sealer> Sealer::load_or_create(const fs::path& key_dir) {
    detail::ensure_sodium();
    std::error_code ec;
    if (!fs::exists(key_dir, ec)) {
        fs::create_directories(key_dir, ec);
        if (ec) {
            return from_std(ec);
        }
        fs::permissions(key_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
        if (ec) {
            return from_std(ec);
        }
    }
    const fs::file_status status = fs::status(key_dir, ec);
    if (ec) {
        return from_std(ec);
    }
    if (!fs::is_directory(status)) {
        return system_error(ENOTDIR);
    }
    if (too_open(status.permissions())) {
        return core::errc::permission_denied;
    }

    auto impl = std::make_unique<Impl>();
    impl->dir = key_dir;
    const fs::path master_path = key_dir / kMasterFile;
    if (!fs::exists(master_path, ec)) {
        auto written = write_key_file(key_dir, kMasterFile, random_key());
        if (!written && written.error() != system_error(EEXIST)) {
            return written.error();
        }
    }
    SEGNALA_TRY(master, read_key_file(master_path));
    impl->master = master;
    sodium_memzero(master.data(), master.size());

    if (auto loaded = impl->load_keys(); !loaded) {
        return loaded.error();
    }
    if (impl->keys.empty()) {
        if (auto added = impl->add_key(); !added) {
            return added.error();
        }
    }
    return Sealer(std::move(impl));
}

Sealer Sealer::in_memory_for_test() {
    auto impl = std::make_unique<Impl>();
    impl->master = random_key();
    impl->keys.emplace(1, random_key());
    return Sealer(std::move(impl));
}

std::string Sealer::seal(std::string_view plaintext, std::string_view associated_data) const {
    std::shared_lock lock(impl_->mutex);
    const std::uint32_t id = impl_->newest();
    const Key& key = impl_->keys.at(id);

    std::string out;
    out.reserve(kOverhead + plaintext.size());
    out.push_back(static_cast<char>(kSealVersion));
    put_be32(out, id);
    out += random_bytes(kNonceBytes);
    const std::string ad = out.substr(0, kHeaderBytes) + std::string(associated_data);
    const std::size_t prefix = out.size();
    out.resize(prefix + plaintext.size() + kTagBytes);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        reinterpret_cast<unsigned char*>(out.data() + prefix), &written,
        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
        reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr,
        reinterpret_cast<const unsigned char*>(out.data() + kHeaderBytes), key.data());
    out.resize(prefix + written);
    return out;
}

core::result<std::uint32_t> Sealer::key_id_of(std::string_view blob) {
    if (blob.size() < kOverhead || static_cast<unsigned char>(blob[0]) != kSealVersion) {
        return core::errc::invalid_argument;
    }
    return get_be32(blob.substr(1));
}

core::result<std::string> Sealer::open(std::string_view blob,
                                       std::string_view associated_data) const {
    SEGNALA_TRY(id, key_id_of(blob));
    std::shared_lock lock(impl_->mutex);
    auto it = impl_->keys.find(id);
    if (it == impl_->keys.end()) {
        // Possibly a key that another process sharing the directory created after us.
        if (impl_->dir.empty() || id <= impl_->newest()) {
            return core::errc::invalid_argument;
        }
        lock.unlock();
        {
            std::unique_lock exclusive(impl_->mutex);
            (void)impl_->load_keys();
        }
        lock.lock();
        it = impl_->keys.find(id);
        if (it == impl_->keys.end()) {
            return core::errc::invalid_argument;
        }
    }
    const std::string ad = std::string(blob.substr(0, kHeaderBytes)) + std::string(associated_data);
    const std::string_view nonce = blob.substr(kHeaderBytes, kNonceBytes);
    const std::string_view sealed = blob.substr(kHeaderBytes + kNonceBytes);
    std::string out(sealed.size() - kTagBytes, '\0');
    unsigned long long len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char*>(out.data()), &len, nullptr,
            reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(),
            reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
            reinterpret_cast<const unsigned char*>(nonce.data()), it->second.data()) != 0) {
        return core::errc::invalid_argument;
    }
    out.resize(len);
    return out;
}

core::result<void> Sealer::rotate() {
    std::unique_lock lock(impl_->mutex);
    if (!impl_->dir.empty()) {
        if (auto loaded = impl_->load_keys(); !loaded) {
            return loaded.error();
        }
    }
    return impl_->add_key();
}

std::uint32_t Sealer::current_key_id() const {
    std::shared_lock lock(impl_->mutex);
    return impl_->newest();
}

std::string_view Sealer::master_key() const {
    return {reinterpret_cast<const char*>(impl_->master.data()), impl_->master.size()};
}

std::string Sealer::subkey(std::string_view purpose) const {
    return derive_key(master_key(), purpose);
}

}  // namespace segnala::crypto
