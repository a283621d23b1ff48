// SPDX-License-Identifier: Apache-2.0
// Fuzz target wire_ipv4: whole IPv4+TCP packets. Any input must be rejected or
// parsed without reading out of bounds; a parsed packet, rebuilt with
// emit_ipv4_tcp and parsed again, must give the same values.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_check.hpp"
#include "wire/format.hpp"
#include "wire/ipv4.hpp"
#include "wire/tcp.hpp"

using namespace synack;

namespace {

// Touches every accessor of a validated view (ASan checks the bounds).
unsigned touch(const Ipv4View& v) {
  unsigned acc = v.version() + v.tos() + v.identification() + v.ttl() + v.protocol() +
                 v.header_checksum() + v.src().value + v.dst().value + v.fragment_offset();
  acc += static_cast<unsigned>(v.header_len() + v.options().size() + v.payload().size() +
                               v.bytes().size() + v.is_fragment());
  for (const std::byte b : v.options()) acc += std::to_integer<unsigned>(b);
  return acc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes input(reinterpret_cast<const std::byte*>(data), size);
  if (auto v = Ipv4View::parse(input, /*verify_checksum=*/false)) {
    FUZZ_CHECK(v->header_len() >= 20 && v->total_length() <= size);
    volatile unsigned sink = touch(*v);
    (void)sink;
  }
  const auto pkt = parse_ipv4_tcp(input);
  if (!pkt) return 0;

  const Ipv4Header ip = Ipv4Header::from(pkt->ip);
  std::vector<std::byte> out(Ipv4Header::kSize + pkt->tcp.wire_size());
  FUZZ_CHECK(emit_ipv4_tcp(out, ip, pkt->tcp) == out.size());
  const auto again = parse_ipv4_tcp(out);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(fuzz::same_segment(again->tcp, pkt->tcp));
  const Ipv4Header ip2 = Ipv4Header::from(again->ip);
  FUZZ_CHECK(ip2.src == ip.src && ip2.dst == ip.dst && ip2.ttl == ip.ttl && ip2.tos == ip.tos &&
             ip2.identification == ip.identification && ip2.dont_fragment == ip.dont_fragment);
  // The TCP part is reproduced byte for byte, except the checksum field: a
  // received 0xffff verifies like the 0x0000 that emit computes (both are
  // one's-complement zero; fuzzer find, fuzz/corpus/wire_ipv4/regress_checksum_ffff).
  const Bytes tcp_in = pkt->ip.payload();
  const Bytes tcp_out = again->ip.payload();
  FUZZ_CHECK(tcp_in.size() == tcp_out.size());
  FUZZ_CHECK(std::ranges::equal(tcp_in.first(16), tcp_out.first(16)));
  FUZZ_CHECK(std::ranges::equal(tcp_in.subspan(18), tcp_out.subspan(18)));
  FUZZ_CHECK(format_packet(ip.src, ip.dst, again->tcp) == format_packet(ip.src, ip.dst, pkt->tcp));
  return 0;
}
