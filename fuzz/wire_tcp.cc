// SPDX-License-Identifier: Apache-2.0
// Fuzz target wire_tcp: a bare TCP segment (header, options, payload; no IP).
// Any input must be rejected or parsed without reading out of bounds; a parsed
// segment, emitted and parsed again, must give the same values and the same
// bytes (apart from the checksum field, which emit computes).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_check.hpp"
#include "wire/format.hpp"
#include "wire/tcp.hpp"
#include "wire/tcp_options.hpp"

using namespace synack;

namespace {

constexpr Ipv4Addr kSrc = Ipv4Addr::from_octets(10, 0, 0, 1);
constexpr Ipv4Addr kDst = Ipv4Addr::from_octets(10, 0, 0, 2);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes input(reinterpret_cast<const std::byte*>(data), size);
  // The option parser on its own, over the first up-to-40 bytes.
  if (auto opts = TcpOptions::parse(input.first(std::min<std::size_t>(size, 40)))) {
    const auto sum = opts->summarize();
    FUZZ_CHECK(sum.sack_count <= 4);
    (void)format_options(*opts);
  }
  const auto view = TcpView::parse(input);
  if (!view) return 0;
  FUZZ_CHECK(view->header_len() >= 20 && view->header_len() <= size);
  const auto seg = TcpSegment::parse(*view);
  if (!seg) return 0;
  FUZZ_CHECK(seg->wire_size() == size);
  if (size > 0xffff) return 0;  // cannot be carried in one IPv4 datagram

  std::vector<std::byte> out(seg->wire_size());
  seg->emit(out, kSrc, kDst);
  const auto view2 = TcpView::parse(out);
  FUZZ_CHECK(view2.has_value());
  FUZZ_CHECK(view2->checksum_ok(kSrc, kDst));
  const auto seg2 = TcpSegment::parse(*view2);
  FUZZ_CHECK(seg2.has_value());
  FUZZ_CHECK(fuzz::same_segment(*seg2, *seg));
  FUZZ_CHECK(std::ranges::equal(Bytes(out).first(16), input.first(16)));
  FUZZ_CHECK(std::ranges::equal(Bytes(out).subspan(18), input.subspan(18)));
  FUZZ_CHECK(format_segment(*seg2) == format_segment(*seg));
  return 0;
}
