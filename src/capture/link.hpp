// SPDX-License-Identifier: Apache-2.0
// Link layers of captured frames: from a frame as libpcap hands it over to the
// network-layer packet inside (IPv4 now; IPv6 is recognised and counted, so
// decoding it later is one more case in segment.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.hpp"

namespace synack::capture {

/// The network protocol a link header announced.
enum class NetProto : std::uint8_t { kIpv4, kIpv6, kOther };

/// The network-layer packet inside a frame.
struct NetPacket {
  NetProto proto = NetProto::kOther;
  Bytes bytes;  ///< from the first byte of the IP header to the end of the captured frame
};

/// True for the link types strip_link() understands (libpcap DLT values):
/// Ethernet (with 802.1Q/802.1ad tags), Linux cooked v1 and v2, raw IP
/// (DLT_RAW, DLT_IPV4, DLT_IPV6), BSD loopback (DLT_NULL, DLT_LOOP).
[[nodiscard]] bool link_supported(int dlt);

/// The name of a link type, for messages: "EN10MB", "LINUX_SLL2", "DLT 147".
[[nodiscard]] std::string link_name(int dlt);

/// Removes the link header of `frame` (captured bytes, possibly truncated by
/// the snap length). nullopt: unsupported link type or a frame shorter than
/// its link header. Never reads past `frame`.
[[nodiscard]] std::optional<NetPacket> strip_link(int dlt, Bytes frame);

}  // namespace synack::capture
