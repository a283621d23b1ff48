// SPDX-License-Identifier: Apache-2.0
#include "stack/port_allocator.hpp"

namespace synack {

PortAllocator::PortAllocator(SipKey secret, Range range) : secret_(secret), range_(range) {}

std::uint64_t PortAllocator::hash(Ipv4Addr local, Ipv4Addr remote, std::uint16_t port,
                                  std::uint8_t which) const {
  std::array<std::byte, 11> msg{};
  store_be32(msg, 0, local.value);
  store_be32(msg, 4, remote.value);
  store_be16(msg, 8, port);
  store_u8(msg, 10, which);  // F() and G() of the RFC are two keyed hashes
  return siphash24(secret_, msg);
}

}  // namespace synack
