#pragma once
// A Bloom filter of fixed size: "has this key possibly been seen before?". The importer uses it
// to find the rows whose customer_id may repeat an earlier row's without holding every id in
// memory: a "no" is certain, a "maybe" is settled exactly by the database. Its memory is fixed
// when it is built, whatever the number of keys added.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace disburse::domain {

class SeenFilter {
 public:
  // `size_bytes` is rounded up to a power of two, at least 64 bytes. With 8 MiB and four probes,
  // a million keys give a false "maybe" about once in 80,000 lookups.
  explicit SeenFilter(std::size_t size_bytes, unsigned probes = 4);

  // Adds `key` and says whether it may have been added before. False means certainly not.
  bool test_and_add(std::string_view key);
  // Whether `key` may have been added before, without adding it.
  bool may_contain(std::string_view key) const;

  std::size_t size_bytes() const { return words_.size() * sizeof(std::uint64_t); }

 private:
  std::vector<std::uint64_t> words_;
  std::uint64_t bit_mask_ = 0;
  unsigned probes_ = 0;
};

// A well-mixed 64-bit hash of a byte string (FNV-1a followed by the SplitMix64 finaliser), the
// same on every platform.
std::uint64_t hash_bytes_64(std::string_view bytes);

}  // namespace disburse::domain
