// SPDX-License-Identifier: Apache-2.0
// One-line text for segments, in the packetdrill/tcpdump style every tool uses:
//   S 0:0(0) win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 1 ecr 0>
//   S. 0:0(0) ack 1 win 65535 <mss 1460>
//   P. 1:101(100) ack 1 win 502
//   10.0.0.1:80 > 10.0.0.2:5000 F. 101:101(0) ack 1 win 502
//   [fd77::1]:80 > [fd77::2]:5000 F. 101:101(0) ack 1 win 502
//   fd77::1 > fd77::2 icmp6 echo request id 7 seq 1 len 56
// Sequence numbers are printed absolute (raw 32-bit values, never relative).
#pragma once

#include <string>

#include "base/bytes.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6_addr.hpp"
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
/// "[SRC]:SPORT > [DST]:DPORT " followed by format_segment(seg) (RFC 5952 §6).
[[nodiscard]] std::string format_packet(const Ipv6Addr& src, const Ipv6Addr& dst,
                                        const TcpSegment& seg);

/// An ICMPv6 message: "echo request id ID seq SEQ len N", "echo reply ...",
/// "unreachable port", "packet too big mtu 1280", "time exceeded hop-limit",
/// "parameter problem next-header pointer 40", or "type T code C len N" for
/// the others; errors add the quoted packet, e.g. ", quote [fd77::1]:5000 > [fd77::2]:80 tcp".
[[nodiscard]] std::string format_icmpv6(const Icmpv6View& msg);

/// One line for any captured IPv4 or IPv6 packet (LINKTYPE_RAW), never
/// failing: TCP as format_packet, ICMPv6 as "SRC > DST icmp6 " + format_icmpv6,
/// fragments as "SRC > DST frag id 0xID OFFSET+LEN[ more] proto P", UDP as
/// "SRC > DST udp SPORT > DPORT len N", others as "SRC > DST proto P len N".
/// IPv6 extension headers walked are appended as " (ext hbh,rt,frag,dstopts)";
/// a packet the wire layer refuses prints as "[SRC > DST ]malformed: REASON".
[[nodiscard]] std::string format_ip_packet(Bytes packet);

}  // namespace synack
