// SPDX-License-Identifier: Apache-2.0
#include "capture/link.hpp"

#include <pcap/dlt.h>

#include <fmt/format.h>

namespace synack::capture {
namespace {

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86dd;
constexpr std::uint16_t kEtherVlan = 0x8100;
constexpr std::uint16_t kEtherQinQ = 0x88a8;

NetProto from_ethertype(std::uint16_t type) {
  if (type == kEtherIpv4) return NetProto::kIpv4;
  if (type == kEtherIpv6) return NetProto::kIpv6;
  return NetProto::kOther;
}

std::optional<NetPacket> at(Bytes frame, std::size_t offset, NetProto proto) {
  if (frame.size() < offset) return std::nullopt;
  return NetPacket{proto, frame.subspan(offset)};
}

// Ethernet II: 6 + 6 bytes of addresses, then the EtherType, possibly behind
// one or more VLAN tags of 4 bytes each.
std::optional<NetPacket> ethernet(Bytes frame) {
  std::size_t off = 12;
  for (int tags = 0; tags < 4; ++tags) {
    if (frame.size() < off + 2) return std::nullopt;
    const std::uint16_t type = load_be16(frame, off);
    if (type != kEtherVlan && type != kEtherQinQ) return at(frame, off + 2, from_ethertype(type));
    off += 4;
  }
  return std::nullopt;
}

// The first byte's version nibble decides (raw IP links carry no type field).
std::optional<NetPacket> raw(Bytes frame) {
  if (frame.empty()) return std::nullopt;
  const auto version = load_u8(frame, 0) >> 4;
  return NetPacket{version == 4   ? NetProto::kIpv4
                   : version == 6 ? NetProto::kIpv6
                                  : NetProto::kOther,
                   frame};
}

// DLT_NULL: the address family in the capturing host's byte order; DLT_LOOP:
// in network order. AF_INET is 2 everywhere; AF_INET6 is 10, 24, 28 or 30.
std::optional<NetPacket> loopback(Bytes frame, bool network_order) {
  if (frame.size() < 4) return std::nullopt;
  std::uint32_t family = load_be32(frame, 0);
  if (!network_order && (family & 0xffff) == 0) family = __builtin_bswap32(family);
  const NetProto proto = family == 2 ? NetProto::kIpv4
                         : (family == 10 || family == 24 || family == 28 || family == 30)
                             ? NetProto::kIpv6
                             : NetProto::kOther;
  return at(frame, 4, proto);
}

}  // namespace

bool link_supported(int dlt) {
  switch (dlt) {
    case DLT_EN10MB:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
    case DLT_NULL:
    case DLT_LOOP:
      return true;
    default:
      return false;
  }
}

std::string link_name(int dlt) {
  switch (dlt) {
    case DLT_EN10MB:
      return "EN10MB";
    case DLT_LINUX_SLL:
      return "LINUX_SLL";
    case DLT_LINUX_SLL2:
      return "LINUX_SLL2";
    case DLT_RAW:
      return "RAW";
    case DLT_IPV4:
      return "IPV4";
    case DLT_IPV6:
      return "IPV6";
    case DLT_NULL:
      return "NULL";
    case DLT_LOOP:
      return "LOOP";
    default:
      return fmt::format("DLT {}", dlt);
  }
}

std::optional<NetPacket> strip_link(int dlt, Bytes frame) {
  switch (dlt) {
    case DLT_EN10MB:
      return ethernet(frame);
    case DLT_LINUX_SLL:  // 16-byte header, protocol (EtherType) at 14
      if (frame.size() < 16) return std::nullopt;
      return at(frame, 16, from_ethertype(load_be16(frame, 14)));
    case DLT_LINUX_SLL2:  // 20-byte header, protocol at 0
      if (frame.size() < 20) return std::nullopt;
      return at(frame, 20, from_ethertype(load_be16(frame, 0)));
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
      return raw(frame);
    case DLT_NULL:
      return loopback(frame, false);
    case DLT_LOOP:
      return loopback(frame, true);
    default:
      return std::nullopt;
  }
}

}  // namespace synack::capture
