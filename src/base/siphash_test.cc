// SPDX-License-Identifier: Apache-2.0
#include "base/siphash.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace synack {
namespace {

SipKey reference_key() {
  SipKey k{};
  for (int i = 0; i < 16; ++i) k[i] = static_cast<std::uint8_t>(i);
  return k;
}

std::uint64_t hash_of_prefix(std::size_t n) {
  std::vector<std::byte> msg(n);
  for (std::size_t i = 0; i < n; ++i) msg[i] = static_cast<std::byte>(i);
  return siphash24(reference_key(), msg);
}

// Test vectors from the SipHash reference implementation (vectors.h, "vectors_sip64"):
// key = 00 01 .. 0f, message = 00 01 .. (n-1), output read as little-endian u64.
TEST(SipHash24, ReferenceVectors) {
  EXPECT_EQ(hash_of_prefix(0), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(hash_of_prefix(1), 0x74f839c593dc67fdULL);
  EXPECT_EQ(hash_of_prefix(2), 0x0d6c8009d9a94f5aULL);
  EXPECT_EQ(hash_of_prefix(3), 0x85676696d7fb7e2dULL);
  EXPECT_EQ(hash_of_prefix(7), 0xab0200f58b01d137ULL);
  EXPECT_EQ(hash_of_prefix(8), 0x93f5f5799a932462ULL);
  EXPECT_EQ(hash_of_prefix(15), 0xa129ca6149be45e5ULL);  // the paper's Appendix A example
  EXPECT_EQ(hash_of_prefix(10), 0x7a5dbbc594ddb9f3ULL);
  EXPECT_EQ(hash_of_prefix(12), 0x751e8fbc860ee5fbULL);
}

TEST(SipHash24, KeyChangesOutput) {
  SipKey other = reference_key();
  other[0] ^= 1;
  std::vector<std::byte> msg(15);
  EXPECT_NE(siphash24(reference_key(), msg), siphash24(other, msg));
}

}  // namespace
}  // namespace synack
