// SPDX-License-Identifier: Apache-2.0
#include "stack/port_allocator.hpp"

namespace synack {

PortAllocator::PortAllocator(SipKey secret, Range range) : secret_(secret), range_(range) {}

namespace {

// The address as on the wire: 4 bytes for IPv4 (the layout IPv4-only synack hashed), 16 for IPv6.
std::size_t put(const IpAddr& a, MutableBytes out, std::size_t at) {
  if (const auto* v6 = std::get_if<Ipv6Addr>(&a)) {
    v6->store(out, at);
    return at + 16;
  }
  store_be32(out, at, std::get<Ipv4Addr>(a).value);
  return at + 4;
}

}  // namespace

std::uint64_t PortAllocator::hash(const IpAddr& local, const IpAddr& remote, std::uint16_t port,
                                  std::uint8_t which) const {
  std::array<std::byte, 16 + 16 + 2 + 1> msg{};
  std::size_t at = put(remote, msg, put(local, msg, 0));
  store_be16(msg, at, port);
  store_u8(msg, at + 2, which);  // F() and G() of the RFC are two keyed hashes
  return siphash24(secret_, Bytes(msg).first(at + 3));
}

}  // namespace synack
