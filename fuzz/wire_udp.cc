// SPDX-License-Identifier: Apache-2.0
// Fuzz target wire_udp: a bare UDP datagram (RFC 768; no IP). Any input must
// be rejected or parsed without reading out of bounds; a parsed datagram,
// emitted again, must give the same header and payload bytes and a checksum
// that verifies.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_check.hpp"
#include "wire/udp.hpp"

using namespace synack;

namespace {

constexpr Ipv4Addr kSrc = Ipv4Addr::from_octets(10, 0, 0, 1);
constexpr Ipv4Addr kDst = Ipv4Addr::from_octets(10, 0, 0, 2);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes input(reinterpret_cast<const std::byte*>(data), size);
  const auto view = UdpView::parse(input);
  if (!view) return 0;
  FUZZ_CHECK(view->length() >= 8 && view->length() <= size);
  FUZZ_CHECK(view->bytes().size() == view->length());
  (void)view->checksum_ok(kSrc, kDst);
  const UdpDatagram d{
      .src_port = view->src_port(), .dst_port = view->dst_port(), .payload = view->payload()};
  std::vector<std::byte> out(d.wire_size());
  d.emit(out, kSrc, kDst);
  const auto again = UdpView::parse(out);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->checksum_ok(kSrc, kDst));
  FUZZ_CHECK(again->checksum() != 0);
  FUZZ_CHECK(std::ranges::equal(Bytes(out).first(6), view->bytes().first(6)));
  FUZZ_CHECK(std::ranges::equal(again->payload(), view->payload()));
  return 0;
}
