// Sealing personal data at rest: XChaCha20-Poly1305 with keys kept in files outside the
// database, identified by a key id so that keys can rotate while old blobs stay readable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace segnala::crypto {

/// Seals and opens blobs. Blob layout (all binary):
///   version (1 byte, kSealVersion) | key id (4 bytes, big-endian) | nonce (24 bytes) |
///   ciphertext + Poly1305 tag (plaintext size + 16 bytes).
/// The version and key id are authenticated together with the caller's associated data, so
/// bind every blob to where it belongs (e.g. "complaint:42:description") and a blob moved
/// elsewhere fails to open.
///
/// Key directory (mode 0700): sealing keys `key-<id>.bin` (32 random bytes, mode 0600, id a
/// positive decimal integer; the highest id seals, all open) and `master.bin` (32 bytes,
/// never rotated) from which sub-keys are derived. Files or a directory readable by group or
/// others are refused. Several processes may share the directory: a key created by another
/// process is picked up when a blob sealed with it is opened.
///
/// Thread-safe: seal/open take a shared lock, rotate an exclusive one.
class Sealer {
  public:
    static constexpr std::uint8_t kSealVersion = 1;
    /// Bytes a sealed blob adds to its plaintext.
    static constexpr std::size_t kOverhead = 1 + 4 + 24 + 16;

    /// Loads every key of `key_dir`, creating the directory, the first sealing key and the
    /// master key when missing. Blocks (file I/O, fsync): call at start-up.
    /// Errors: errc::permission_denied if the directory or a key file is readable by group or
    /// others; errc::internal for a key file of the wrong size; system errors from the file
    /// system as they come (boost::system::system_category).
    [[nodiscard]] static core::result<Sealer> load_or_create(const std::filesystem::path& key_dir);

    /// A sealer with random in-memory keys and no directory (rotate() adds in-memory keys).
    [[nodiscard]] static Sealer in_memory_for_test();

    Sealer(Sealer&&) noexcept;
    Sealer& operator=(Sealer&&) noexcept;
    ~Sealer();

    /// Encrypts `plaintext` under the newest key with a random nonce. Never fails.
    [[nodiscard]] std::string seal(std::string_view plaintext,
                                   std::string_view associated_data) const;

    /// Decrypts a blob made by seal() with the same associated data.
    /// Errors: errc::invalid_argument if the blob is truncated, of another version, sealed with
    /// a key this sealer does not know, tampered with, or opened with other associated data.
    /// May block briefly to re-read the key directory when the key id is newer than ours.
    [[nodiscard]] core::result<std::string> open(std::string_view blob,
                                                 std::string_view associated_data) const;

    /// Adds a new sealing key (id = highest + 1), written to the directory before it is used.
    /// Blocks (file I/O). Errors: system errors from the file system.
    [[nodiscard]] core::result<void> rotate();

    /// Id of the key that seal() uses now.
    [[nodiscard]] std::uint32_t current_key_id() const;

    /// Key id of a sealed blob, without opening it (to find blobs to re-seal after a rotation).
    /// Errors: errc::invalid_argument if `blob` is too short or of another version.
    [[nodiscard]] static core::result<std::uint32_t> key_id_of(std::string_view blob);

    /// The 32-byte master key, valid as long as this Sealer. Never use it directly as a key:
    /// pass it to derive_key() (hash.hpp) with a purpose, or call subkey().
    [[nodiscard]] std::string_view master_key() const;

    /// derive_key(master_key(), purpose): e.g. subkey("ip-hasher"), subkey("altcha-hmac").
    [[nodiscard]] std::string subkey(std::string_view purpose) const;

  private:
    struct Impl;
    explicit Sealer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace segnala::crypto
