#include "disburse/security/crypto.hpp"

#include <openssl/evp.h>
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

#include "disburse/domain/assert.hpp"
#include "disburse/domain/errors.hpp"

namespace disburse::security {

namespace {

std::string from_hex(std::string_view hex) {
  std::string bytes(hex.size() / 2, '\0');
  std::size_t length = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), hex.data(),
                     hex.size(), nullptr, &length, nullptr) != 0 ||
      length != bytes.size()) {
    throw std::runtime_error("malformed hex text");
  }
  return bytes;
}

const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

}  // namespace

void initialize() { DISBURSE_ASSERT(sodium_init() >= 0); }

std::string to_hex(std::string_view bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes_of(bytes), bytes.size());
  hex.pop_back();
  return hex;
}

std::string sha256_hex(std::string_view data) {
  Sha256 hasher;
  hasher.update(data);
  return hasher.final_hex();
}

struct Sha256::Context {
  EVP_MD_CTX* evp = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(evp); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  // Out of memory is the only way these fail.
  DISBURSE_ASSERT(context_->evp != nullptr);
  DISBURSE_ASSERT(EVP_DigestInit_ex(context_->evp, EVP_sha256(), nullptr) == 1);
}

Sha256::~Sha256() = default;

void Sha256::update(std::string_view data) {
  DISBURSE_ASSERT(EVP_DigestUpdate(context_->evp, data.data(), data.size()) == 1);
}

std::string Sha256::final_hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  DISBURSE_ASSERT(EVP_DigestFinal_ex(context_->evp, digest, &length) == 1);
  DISBURSE_ASSERT(length == crypto_hash_sha256_BYTES);
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::vector<std::uint8_t> random_bytes(std::size_t count) {
  std::vector<std::uint8_t> bytes(count);
  randombytes_buf(bytes.data(), bytes.size());
  return bytes;
}

std::string random_token(std::size_t bytes) {
  const std::vector<std::uint8_t> random = random_bytes(bytes);
  const std::size_t length =
      sodium_base64_encoded_len(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string token(length, '\0');
  sodium_bin2base64(token.data(), token.size(), random.data(), random.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  token.pop_back();  // The terminating NUL.
  return token;
}

std::string hash_password(std::string_view password) {
  char stored[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(stored, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw Unavailable("out of memory while hashing a password");
  }
  return stored;
}

bool verify_password(std::string_view password, const std::string& stored_hash) {
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

std::string keyed_hash_hex(std::string_view key, std::string_view data) {
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash(digest, sizeof(digest), bytes_of(data), data.size(), bytes_of(key),
                     std::min<std::size_t>(key.size(), crypto_generichash_KEYBYTES_MAX));
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

SecretBox::SecretBox(std::string_view key_bytes) : key_(key_bytes) {
  DISBURSE_ASSERT(key_.size() == key_size_bytes);
}

std::string SecretBox::seal_hex(std::string_view plaintext) const {
  constexpr std::size_t nonce_size = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string sealed(nonce_size + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES,
                     '\0');
  auto* output = reinterpret_cast<unsigned char*>(sealed.data());
  randombytes_buf(output, nonce_size);
  unsigned long long sealed_length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(output + nonce_size, &sealed_length,
                                             bytes_of(plaintext), plaintext.size(), nullptr, 0,
                                             nullptr, output, bytes_of(key_));
  sealed.resize(nonce_size + sealed_length);
  return to_hex(sealed);
}

std::string SecretBox::open_hex(std::string_view ciphertext_hex) const {
  constexpr std::size_t nonce_size = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  const std::string sealed = from_hex(ciphertext_hex);
  if (sealed.size() < nonce_size + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    throw std::runtime_error("ciphertext too short");
  }
  std::string plaintext(sealed.size() - nonce_size, '\0');
  unsigned long long plaintext_length = 0;
  const auto* input = bytes_of(sealed);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plaintext.data()), &plaintext_length, nullptr,
          input + nonce_size, sealed.size() - nonce_size, nullptr, 0, input, bytes_of(key_)) != 0) {
    throw std::runtime_error("ciphertext failed authentication");
  }
  plaintext.resize(plaintext_length);
  return plaintext;
}

std::string SecretBox::derive_key(std::string_view purpose) const {
  unsigned char derived[32];
  crypto_generichash(derived, sizeof(derived), bytes_of(purpose), purpose.size(), bytes_of(key_),
                     key_.size());
  return std::string(reinterpret_cast<const char*>(derived), sizeof(derived));
}

std::string load_secret_key(const std::string& path, bool create_if_missing) {
  std::ifstream input(path, std::ios::binary);
  if (!input) {
    if (!create_if_missing) throw InvalidInput("secret key file " + path + " cannot be read");
    const std::vector<std::uint8_t> random = random_bytes(SecretBox::key_size_bytes);
    const std::string key(random.begin(), random.end());
    const mode_t previous_mask = umask(077);
    std::ofstream output(path, std::ios::binary | std::ios::trunc);
    output << to_hex(key) << '\n';
    umask(previous_mask);
    if (!output) throw InvalidInput("secret key file " + path + " cannot be written");
    return key;
  }
  std::string content((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
  if (content.size() == 64) return from_hex(content);
  if (content.size() == 32) return content;
  throw InvalidInput("secret key file " + path + " must hold 32 bytes or 64 hex characters");
}

}  // namespace disburse::security
