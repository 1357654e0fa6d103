#pragma once
// The one place that calls libsodium: hashing, random bytes, password hashing, tokens and
// encryption at rest. Secrets passed in here are never logged. SHA-256 alone comes from
// OpenSSL, whose implementation uses the CPU's SHA instructions: it hashes a 100 MB provider
// file in 0.1 s where libsodium's portable one takes 0.6 s.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace disburse::security {

// Must be called once before any other function here (idempotent, thread-safe).
void initialize();

std::string sha256_hex(std::string_view data);

// Incremental SHA-256 for streams that are too large to hold in memory (imports, files).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  std::string final_hex();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

std::vector<std::uint8_t> random_bytes(std::size_t count);

// A URL-safe random token with `bytes` bytes of entropy (256 bits by default).
std::string random_token(std::size_t bytes = 32);

// Argon2id through crypto_pwhash_str, at libsodium's interactive limits.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view password, const std::string& stored_hash);

// Keyed 64-bit hash for things like rate-limit buckets, where SHA-256 is more than needed.
std::string keyed_hash_hex(std::string_view key, std::string_view data);

// Authenticated encryption at rest (XChaCha20-Poly1305) with the service's secret key.
// The ciphertext is hex text: a random nonce followed by the sealed message.
class SecretBox {
 public:
  static constexpr std::size_t key_size_bytes = 32;
  explicit SecretBox(std::string_view key_bytes);
  std::string seal_hex(std::string_view plaintext) const;
  // Throws std::runtime_error when the ciphertext was altered or the key is wrong.
  std::string open_hex(std::string_view ciphertext_hex) const;
  // The key's own sub-key for deriving other secrets (session MACs, lookup keys).
  std::string derive_key(std::string_view purpose) const;

 private:
  std::string key_;
};

// Reads the secret key file (32 raw bytes or 64 hex characters); creates it with mode 0600
// when `create_if_missing` and it does not exist.
std::string load_secret_key(const std::string& path, bool create_if_missing);

std::string to_hex(std::string_view bytes);

}  // namespace disburse::security
