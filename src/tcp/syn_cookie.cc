// SPDX-License-Identifier: Apache-2.0
#include "tcp/syn_cookie.hpp"

namespace synack::tcp {
namespace {

constexpr std::int64_t kCounterPeriodUs = 64'000'000;  // 64 s per counter tick

std::uint32_t counter(Instant now) {
  return static_cast<std::uint32_t>(to_us(now) / kCounterPeriodUs);
}

std::uint32_t cookie_hash(const SipKey& secret, const FourTuple& t, SeqNum peer_isn,
                          std::uint32_t count, std::uint32_t mss_index) {
  std::array<std::byte, 1 + kMaxTupleBytes + 4 + 4 + 1> msg{};
  msg[0] = std::byte{'C'};  // domain separation from the ISN hash
  const std::size_t n = 1 + tuple_bytes(t, std::span(msg).subspan(1));
  store_be32(msg, n, peer_isn.raw());
  store_be32(msg, n + 4, count);
  msg[n + 8] = static_cast<std::byte>(mss_index);
  return static_cast<std::uint32_t>(siphash24(secret, Bytes(msg).first(n + 9)));
}

std::uint32_t assemble(std::uint32_t hash, std::uint32_t count, std::uint32_t mss_index) {
  return (hash & 0xffffff00u) | ((count & 0x1fu) << 3) | (mss_index & 0x7u);
}

}  // namespace

SeqNum make_syn_cookie(const SipKey& secret, const FourTuple& tuple, SeqNum peer_isn,
                       std::uint16_t peer_mss, Instant now) {
  std::uint32_t index = 0;
  for (std::uint32_t i = 0; i < kCookieMssTable.size(); ++i) {
    if (kCookieMssTable[i] <= peer_mss) index = i;
  }
  const std::uint32_t count = counter(now);
  return SeqNum(assemble(cookie_hash(secret, tuple, peer_isn, count, index), count, index));
}

std::optional<std::uint16_t> check_syn_cookie(const SipKey& secret, const FourTuple& tuple,
                                              SeqNum peer_isn, SeqNum cookie, Instant now) {
  const std::uint32_t c = cookie.raw();
  const std::uint32_t index = c & 0x7u;
  const std::uint32_t now_count = counter(now);
  for (std::uint32_t age = 0; age < 2; ++age) {
    if (now_count < age) break;
    const std::uint32_t count = now_count - age;
    if (((c >> 3) & 0x1fu) != (count & 0x1fu)) continue;
    if (assemble(cookie_hash(secret, tuple, peer_isn, count, index), count, index) == c) {
      return kCookieMssTable[index];
    }
  }
  return std::nullopt;
}

}  // namespace synack::tcp
