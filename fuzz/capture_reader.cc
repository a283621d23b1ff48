// SPDX-License-Identifier: Apache-2.0
// Fuzz target capture_reader: any bytes as a pcap or pcapng file, read the
// way `synack draw` reads a capture (libpcap, link layers, lenient IPv4/TCP
// decoding, conversation table, collapsing collector), then drawn as a text
// ladder. Must never read out of bounds; an error is one line; a result's
// conversations account for every decoded segment.
#include <cstddef>
#include <cstdint>
#include <numeric>

#include "capture/scan.hpp"
#include "fuzz_check.hpp"
#include "viz/render.hpp"

using namespace synack;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes input(reinterpret_cast<const std::byte*>(data), size);
  capture::Selection sel;
  sel.collect.head = 8;
  sel.collect.context = 2;
  const auto r = capture::read_capture_memory(input, "fuzz.pcap", sel, false);
  if (!r) {
    FUZZ_CHECK(r.error().find('\n') == std::string::npos);
    return 0;
  }
  const std::uint64_t packets = std::accumulate(
      r->conversations.begin(), r->conversations.end(), std::uint64_t{0},
      [](std::uint64_t n, const capture::Conversation& c) { return n + c.packets; });
  FUZZ_CHECK(packets == r->stats.segments);
  FUZZ_CHECK(r->stats.segments <= r->stats.frames);
  if (r->run) {
    FUZZ_CHECK(r->run->endpoints.size() == 2);
    (void)viz::render(viz::Format::kText, *r->run, {});
  }
  return 0;
}
