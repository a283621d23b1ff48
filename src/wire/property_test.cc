// SPDX-License-Identifier: Apache-2.0
// Property tests (rapidcheck): parse → emit → parse round trips for arbitrary
// valid segments. rapidcheck prints its seed; replay with RC_PARAMS="seed=N".
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "wire/format.hpp"
#include "wire/tcp.hpp"
#include "wire/test_util.hpp"

namespace synack {
namespace {

// Appends one random valid option to `o` (it may not fit: then overflowed()).
void add_random_option(TcpOptions& o) {
  switch (*rc::gen::inRange(0, 8)) {
    case 0:
      o.mss(*rc::gen::arbitrary<std::uint16_t>());
      break;
    case 1:
      o.window_scale(*rc::gen::arbitrary<std::uint8_t>());
      break;
    case 2:
      o.sack_permitted();
      break;
    case 3:
      o.timestamps(*rc::gen::arbitrary<std::uint32_t>(), *rc::gen::arbitrary<std::uint32_t>());
      break;
    case 4: {
      const auto n = *rc::gen::inRange<std::size_t>(1, 5);
      std::vector<SackBlock> blocks;
      for (std::size_t k = 0; k < n; ++k) {
        blocks.push_back({SeqNum(*rc::gen::arbitrary<std::uint32_t>()),
                          SeqNum(*rc::gen::arbitrary<std::uint32_t>())});
      }
      o.sack(blocks);
      break;
    }
    case 5:
      o.nop();
      break;
    case 6: {
      // An unknown kind (not 0..8), 0..6 data bytes.
      const auto kind = *rc::gen::inRange<int>(9, 256);
      const auto data = *rc::gen::container<std::vector<std::uint8_t>>(
          *rc::gen::inRange<std::size_t>(0, 7), rc::gen::arbitrary<std::uint8_t>());
      std::vector<std::byte> b;
      for (const auto x : data) b.push_back(static_cast<std::byte>(x));
      o.raw(static_cast<std::uint8_t>(kind), b);
      break;
    }
    default:
      o.eol();
      break;
  }
}

TcpSegment random_segment(std::vector<std::byte>& payload_storage) {
  TcpSegment s;
  s.src_port = *rc::gen::arbitrary<std::uint16_t>();
  s.dst_port = *rc::gen::arbitrary<std::uint16_t>();
  s.seq = SeqNum(*rc::gen::arbitrary<std::uint32_t>());
  s.ack = SeqNum(*rc::gen::arbitrary<std::uint32_t>());
  s.flags.bits =
      *rc::gen::inRange<std::uint16_t>(0, 0x200);  // any of the 9 bits, incl. none, SYN+FIN
  s.reserved = *rc::gen::inRange<std::uint8_t>(0, 8);
  s.window = *rc::gen::arbitrary<std::uint16_t>();
  s.urgent = *rc::gen::arbitrary<std::uint16_t>();
  const auto n_opts = *rc::gen::inRange(0, 10);
  for (int k = 0; k < n_opts; ++k) {
    TcpOptions before = s.options;
    add_random_option(s.options);
    if (s.options.overflowed()) {
      s.options = before;
      break;
    }
  }
  const auto bytes = *rc::gen::container<std::vector<std::uint8_t>>(
      *rc::gen::inRange<std::size_t>(0, 1500), rc::gen::arbitrary<std::uint8_t>());
  payload_storage.clear();
  for (const auto x : bytes) payload_storage.push_back(static_cast<std::byte>(x));
  s.payload = payload_storage;
  return s;
}

bool same_segment(const TcpSegment& a, const TcpSegment& b) {
  return a.src_port == b.src_port && a.dst_port == b.dst_port && a.seq == b.seq && a.ack == b.ack &&
         a.flags == b.flags && a.reserved == b.reserved && a.window == b.window &&
         a.urgent == b.urgent && a.options == b.options && std::ranges::equal(a.payload, b.payload);
}

RC_GTEST_PROP(WireProperty, EmitParseEmitIsStable, ()) {
  std::vector<std::byte> storage;
  const TcpSegment seg = random_segment(storage);
  Ipv4Header ip;
  ip.src = Ipv4Addr{*rc::gen::arbitrary<std::uint32_t>()};
  ip.dst = Ipv4Addr{*rc::gen::arbitrary<std::uint32_t>()};
  ip.ttl = *rc::gen::arbitrary<std::uint8_t>();
  ip.tos = *rc::gen::arbitrary<std::uint8_t>();
  ip.identification = *rc::gen::arbitrary<std::uint16_t>();
  ip.dont_fragment = *rc::gen::arbitrary<bool>();

  const test::Buffer wire = test::build_packet(ip, seg);
  RC_ASSERT(wire.size() == 20 + seg.wire_size());
  const auto first = parse_ipv4_tcp(wire);
  RC_ASSERT(first.has_value());
  const TcpSegment& p = first->tcp;
  // Fields come back as built; options come back padded with EOL to 4 bytes.
  RC_ASSERT(p.src_port == seg.src_port && p.dst_port == seg.dst_port);
  RC_ASSERT(p.seq == seg.seq && p.ack == seg.ack && p.flags == seg.flags);
  RC_ASSERT(p.reserved == seg.reserved && p.window == seg.window && p.urgent == seg.urgent);
  RC_ASSERT(p.options.size() == seg.options.padded_size());
  RC_ASSERT(std::ranges::equal(p.options.bytes().first(seg.options.size()), seg.options.bytes()));
  RC_ASSERT(std::ranges::equal(p.payload, seg.payload));
  RC_ASSERT(p.seg_len() == seg.seg_len());
  const auto sum_built = seg.options.summarize();
  const auto sum_parsed = p.options.summarize();
  RC_ASSERT(sum_built.mss == sum_parsed.mss);
  RC_ASSERT(sum_built.window_scale == sum_parsed.window_scale);
  RC_ASSERT(sum_built.timestamps == sum_parsed.timestamps);
  RC_ASSERT(sum_built.sack_count == sum_parsed.sack_count);
  RC_ASSERT(Ipv4Header::from(first->ip).ttl == ip.ttl);

  // Parse → emit reproduces the bytes, and parsing again gives the same value.
  const test::Buffer again = test::build_packet(Ipv4Header::from(first->ip), p);
  RC_ASSERT(again == wire);
  const auto second = parse_ipv4_tcp(again);
  RC_ASSERT(second.has_value());
  RC_ASSERT(same_segment(second->tcp, p));
  RC_ASSERT(format_segment(second->tcp) == format_segment(p));
}

RC_GTEST_PROP(WireProperty, OptionParseNeverCrashesAndReparsesItsOwnBytes, ()) {
  const auto raw = *rc::gen::container<std::vector<std::uint8_t>>(
      *rc::gen::inRange<std::size_t>(0, 41), rc::gen::inRange<std::uint8_t>(0, 12));
  std::vector<std::byte> b;
  for (const auto x : raw) b.push_back(static_cast<std::byte>(x));
  const auto o = TcpOptions::parse(b);
  if (o) {
    RC_ASSERT(std::ranges::equal(o->bytes(), b));
    const auto again = TcpOptions::parse(o->bytes());
    RC_ASSERT(again.has_value() && *again == *o);
    (void)format_options(*o);
  }
}

}  // namespace
}  // namespace synack
