#include "disburse/domain/seen_filter.hpp"

#include <algorithm>
#include <bit>

#include "disburse/domain/assert.hpp"

namespace disburse::domain {

namespace {

constexpr std::size_t minimum_size_bytes = 64;
constexpr std::size_t bits_per_word = 64;

std::uint64_t mix(std::uint64_t value) {
  value = (value ^ (value >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  value = (value ^ (value >> 27U)) * 0x94D049BB133111EBULL;
  return value ^ (value >> 31U);
}

}  // namespace

std::uint64_t hash_bytes_64(std::string_view bytes) {
  std::uint64_t hash = 0xCBF29CE484222325ULL;
  for (const char byte : bytes) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= 0x100000001B3ULL;
  }
  return mix(hash);
}

SeenFilter::SeenFilter(std::size_t size_bytes, unsigned probes) : probes_(probes) {
  DISBURSE_ASSERT(probes > 0 && probes <= 16);
  const std::size_t rounded_bytes = std::bit_ceil(std::max(size_bytes, minimum_size_bytes));
  words_.assign(rounded_bytes / sizeof(std::uint64_t), 0);
  bit_mask_ = static_cast<std::uint64_t>(rounded_bytes) * 8U - 1U;
}

bool SeenFilter::may_contain(std::string_view key) const {
  // Double hashing (Kirsch and Mitzenmacher): probe i is h1 + i·h2, as good as k hashes.
  const std::uint64_t first = hash_bytes_64(key);
  const std::uint64_t second = mix(first) | 1U;
  for (unsigned probe = 0; probe < probes_; probe++) {
    const std::uint64_t bit = (first + probe * second) & bit_mask_;
    if ((words_[bit / bits_per_word] & (1ULL << (bit % bits_per_word))) == 0) return false;
  }
  return true;
}

bool SeenFilter::test_and_add(std::string_view key) {
  const std::uint64_t first = hash_bytes_64(key);
  const std::uint64_t second = mix(first) | 1U;
  bool all_set = true;
  for (unsigned probe = 0; probe < probes_; probe++) {
    const std::uint64_t bit = (first + probe * second) & bit_mask_;
    std::uint64_t& word = words_[bit / bits_per_word];
    const std::uint64_t flag = 1ULL << (bit % bits_per_word);
    if ((word & flag) == 0) {
      all_set = false;
      word |= flag;
    }
  }
  return all_set;
}

}  // namespace disburse::domain
