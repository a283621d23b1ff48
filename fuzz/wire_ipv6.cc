// SPDX-License-Identifier: Apache-2.0
// Fuzz target wire_ipv6: whole IPv6 packets — the fixed header, the
// extension-header walk, TCP over IPv6, ICMPv6 and its quoted packet, the
// printer and the address text forms. Any input must be refused or parsed
// without reading out of bounds; what parses must rebuild to the same values.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "wire/format.hpp"
#include "wire/icmpv6.hpp"
#include "wire/ipv6.hpp"
#include "wire/ipv6_ext.hpp"
#include "wire/ipv6_tcp.hpp"

using namespace synack;

namespace {

// Touches every accessor of a validated view (ASan checks the bounds).
unsigned touch(const Ipv6View& v) {
  unsigned acc = v.version() + v.traffic_class() + v.dscp() + v.ecn() + v.flow_label() +
                 v.payload_length() + v.next_header() + v.hop_limit() + v.src().bytes[15] +
                 v.dst().bytes[15];
  acc += static_cast<unsigned>(v.header().size() + v.payload().size() + v.bytes().size());
  for (const std::byte b : v.payload()) acc += std::to_integer<unsigned>(b);
  return acc;
}

// The walk's answer stays inside the packet whatever it decides.
void check_chain(const Ipv6View& ip, const Ipv6WalkLimits& limits) {
  const auto c = walk_ipv6_chain(ip, limits);
  const std::size_t size = ip.bytes().size();
  if (!c) {
    if (c.error().icmp) FUZZ_CHECK(c.error().icmp->pointer < size);
    return;
  }
  FUZZ_CHECK(c->headers <= std::min(limits.max_headers, kIpv6MaxChainHeaders));
  FUZZ_CHECK(c->upper_offset >= Ipv6View::kHeaderSize);
  FUZZ_CHECK(c->upper_offset + c->upper.size() == size);
  FUZZ_CHECK(c->protocol_field < c->upper_offset);
  if (const auto p = c->unrecognized_next_header()) FUZZ_CHECK(p->pointer < size);
  if (c->fragment) FUZZ_CHECK(c->fragment->header_offset + 8 == c->upper_offset);
}

// TCP over IPv6: a parsed packet rebuilds to the same segment.
void check_tcp(Bytes input) {
  const auto pkt = parse_ipv6_tcp(input);
  if (!pkt) return;
  const Ipv6Addr src = pkt->ip.src();
  const Ipv6Addr dst = pkt->ip.dst();
  std::vector<std::byte> tcp(pkt->tcp.wire_size());
  pkt->tcp.emit(tcp, src, dst);
  const Bytes tcp_in = pkt->chain.upper;
  FUZZ_CHECK(tcp_in.size() == tcp.size());
  // Byte for byte but the checksum field (0xffff verifies like 0x0000).
  FUZZ_CHECK(std::ranges::equal(tcp_in.first(16), Bytes(tcp).first(16)));
  FUZZ_CHECK(std::ranges::equal(tcp_in.subspan(18), Bytes(tcp).subspan(18)));
  std::vector<std::byte> whole(Ipv6Header::kSize + pkt->tcp.wire_size());
  FUZZ_CHECK(emit_ipv6_tcp(whole, Ipv6Header::from(pkt->ip), pkt->tcp) == whole.size());
  const auto again = parse_ipv6_tcp(whole);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(fuzz::same_segment(again->tcp, pkt->tcp));
  FUZZ_CHECK(again->chain.headers == 0);
  FUZZ_CHECK(format_packet(src, dst, again->tcp) == format_packet(src, dst, pkt->tcp));
}

// ICMPv6: a parsed message rebuilds to the same bytes; its quote is walked.
void check_icmpv6(const Ipv6View& ip) {
  const auto c = walk_ipv6_chain(ip);
  if (!c || c->fragment || c->protocol != kIpProtoIcmpv6) return;
  const auto m = Icmpv6View::parse(c->upper, ip.src(), ip.dst());
  if (!m) return;
  const Icmpv6Message msg{m->type(), m->code(), m->rest(), m->body()};
  std::vector<std::byte> out(msg.wire_size());
  msg.emit(out, ip.src(), ip.dst());
  FUZZ_CHECK(std::ranges::equal(Bytes(out).first(2), m->bytes().first(2)));
  FUZZ_CHECK(std::ranges::equal(Bytes(out).subspan(4), m->bytes().subspan(4)));
  FUZZ_CHECK(Icmpv6View::parse(out, ip.src(), ip.dst()).has_value());
  if (m->is_error()) {
    if (const auto q = parse_icmpv6_quote(m->body())) {
      FUZZ_CHECK(q->src == Ipv6Addr::load(m->body(), 8));
    }
  }
  volatile std::size_t sink = format_icmpv6(*m).size();
  (void)sink;
}

// Addresses: the 16 first bytes print and read back; the input as text, if it
// reads as an address, prints to text that reads back to the same address.
void check_addresses(Bytes input) {
  if (input.size() >= 16) {
    const Ipv6Addr a = Ipv6Addr::load(input, 0);
    FUZZ_CHECK(Ipv6Addr::parse(a.to_string()) == a);
  }
  const std::string_view text(reinterpret_cast<const char*>(input.data()),
                              std::min<std::size_t>(input.size(), 64));
  if (const auto a = Ipv6Addr::parse(text)) FUZZ_CHECK(Ipv6Addr::parse(a->to_string()) == *a);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes input(reinterpret_cast<const std::byte*>(data), size);
  check_addresses(input);
  (void)parse_icmpv6_quote(input);
  volatile std::size_t sink = format_ip_packet(input).size();
  (void)sink;
  const auto v = Ipv6View::parse(input);
  if (!v) return 0;
  FUZZ_CHECK(v->version() == 6 && v->bytes().size() <= size);
  volatile unsigned t = touch(*v);
  (void)t;
  check_chain(*v, {});
  check_chain(*v, {.max_headers = 2, .max_options = 1});
  check_tcp(input);
  check_icmpv6(*v);
  return 0;
}
