// SPDX-License-Identifier: Apache-2.0
#include "base/siphash.hpp"

#include <bit>
#include <cstring>

namespace synack {
namespace {

std::uint64_t load_le64(const std::byte* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | std::to_integer<std::uint8_t>(p[i]);
  return v;
}

struct State {
  std::uint64_t v0, v1, v2, v3;

  void round() {
    v0 += v1;
    v1 = std::rotl(v1, 13);
    v1 ^= v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = std::rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = std::rotl(v1, 17);
    v1 ^= v2;
    v2 = std::rotl(v2, 32);
  }

  void compress(std::uint64_t m) {
    v3 ^= m;
    round();
    round();  // c = 2
    v0 ^= m;
  }
};

}  // namespace

std::uint64_t siphash24(const SipKey& key, Bytes message) {
  const auto* kb = reinterpret_cast<const std::byte*>(key.data());
  const std::uint64_t k0 = load_le64(kb);
  const std::uint64_t k1 = load_le64(kb + 8);
  State s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
          k1 ^ 0x7465646279746573ULL};

  const std::size_t n = message.size();
  const std::size_t whole = n - n % 8;
  for (std::size_t i = 0; i < whole; i += 8) s.compress(load_le64(message.data() + i));

  // Last block: the remaining bytes, little-endian, with the length in the top byte.
  std::uint64_t last = static_cast<std::uint64_t>(n & 0xff) << 56;
  for (std::size_t i = whole; i < n; ++i) {
    last |= static_cast<std::uint64_t>(std::to_integer<std::uint8_t>(message[i]))
            << (8 * (i - whole));
  }
  s.compress(last);

  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) s.round();  // d = 4
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

}  // namespace synack
