// SPDX-License-Identifier: Apache-2.0
// One-line text for segments, in the packetdrill/tcpdump style every tool uses:
//   S 0:0(0) win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 1 ecr 0>
//   S. 0:0(0) ack 1 win 65535 <mss 1460>
//   P. 1:101(100) ack 1 win 502
//   10.0.0.1:80 > 10.0.0.2:5000 F. 101:101(0) ack 1 win 502
// Sequence numbers are printed absolute (raw 32-bit values, never relative).
#pragma once

#include <string>

#include "wire/ipv4.hpp"
#include "wire/tcp.hpp"
#include "wire/tcp_options.hpp"

namespace synack {

/// The options between angle brackets' contents, comma-separated, in wire order:
/// "mss 1460", "nop", "eol", "wscale 6" (values > 14 printed as sent), "sackOK",
/// "TS val 1 ecr 0", "sack 1:2 3:4", and "unknown-KIND 0xHEX" for other kinds.
/// Bytes after EOL (padding) are not printed. Empty options give "".
[[nodiscard]] std::string format_options(const TcpOptions& options);

/// "FLAGS SEQ:SEQ+PAYLOAD(PAYLOAD) [ack ACK ]win WINDOW[ urg PTR][ <OPTIONS>]".
/// `ack` is printed only when ACK is set, `urg` only when URG is set. The length
/// in parentheses counts payload bytes only (not SYN/FIN), as packetdrill does.
[[nodiscard]] std::string format_segment(const TcpSegment& seg);

/// "SRC:SPORT > DST:DPORT " followed by format_segment(seg).
[[nodiscard]] std::string format_packet(Ipv4Addr src, Ipv4Addr dst, const TcpSegment& seg);

}  // namespace synack
