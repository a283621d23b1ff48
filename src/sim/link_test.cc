// SPDX-License-Identifier: Apache-2.0
#include "sim/link.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdio>
#include <vector>

#include "sim/test_nodes.hpp"
#include "wire/tcp.hpp"

namespace synack::sim {
namespace {

using test::kA;
using test::kB;
using test::tcp_packet;

Instant at_ms(std::int64_t ms) {
  return Instant{} + milliseconds(ms);
}

// A link from node 0 to node 1 that records arrivals and events.
struct Harness {
  explicit Harness(const LinkConfig& cfg, std::uint64_t seed = 1)
      : link(loop, cfg, seed, {0, 0, 1},
             {.event = [this](const PacketEvent& e) { events.push_back(e); },
              .deliver =
                  [this](Bytes p, Instant now) {
                    arrivals.push_back({now, {p.begin(), p.end()}});
                  }}) {}

  void send_at(Instant t, std::vector<std::byte> p) {
    loop.schedule(t, [this, p = std::move(p)] { link.transmit(p, ++id); });
  }
  std::size_t count(PacketEventKind k, DropReason r = DropReason::kNone) const {
    std::size_t n = 0;
    for (const auto& e : events) n += e.kind == k && e.reason == r;
    return n;
  }

  EventLoop loop;
  std::vector<PacketEvent> events;
  std::vector<test::RecordingNode::Arrival> arrivals;
  Link link;
  std::uint64_t id = 0;
};

TEST(Link, ArrivalIsSerialisationPlusPropagation) {
  // 1 Mbit/s: a 1000-byte packet takes 8 ms to serialise; 10 ms propagation.
  Harness h({.delay = milliseconds(10), .bandwidth_bps = 1'000'000});
  EXPECT_EQ(h.link.serialization_delay(1000), milliseconds(8));
  h.send_at(at_ms(0), tcp_packet(kA, kB, TcpFlags::kAck, 1, 960));    // 1000 bytes
  h.send_at(at_ms(0), tcp_packet(kA, kB, TcpFlags::kAck, 2, 960));    // queues behind
  h.send_at(at_ms(100), tcp_packet(kA, kB, TcpFlags::kAck, 3, 460));  // 500 bytes, idle link
  h.loop.run_until_idle();
  ASSERT_EQ(h.arrivals.size(), 3u);
  EXPECT_EQ(h.arrivals[0].at, at_ms(18));
  EXPECT_EQ(h.arrivals[1].at, at_ms(26));
  EXPECT_EQ(h.arrivals[2].at, at_ms(114));
  EXPECT_EQ(h.arrivals[1].seq(), 2u);
  EXPECT_EQ(h.link.counters().delivered, 3u);
  EXPECT_EQ(h.link.counters().delivered_bytes, 2500u);
  EXPECT_EQ(h.link.counters().max_queue_bytes, 2000u);
}

TEST(Link, InfiniteBandwidthIsPureDelay) {
  Harness h({.delay = microseconds(1500)});
  for (int i = 0; i < 5; ++i) h.send_at(at_ms(1), tcp_packet(kA, kB, TcpFlags::kAck, i, 1400));
  h.loop.run_until_idle();
  ASSERT_EQ(h.arrivals.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(h.arrivals[i].at, at_ms(1) + microseconds(1500));
    EXPECT_EQ(h.arrivals[i].seq(), static_cast<std::uint32_t>(i));  // FIFO on ties
  }
}

TEST(Link, DropTailQueueOverflow) {
  // 3000-byte limit: with 1000-byte packets sent at once, 3 fit, 2 overflow.
  Harness h({.delay = milliseconds(1), .bandwidth_bps = 8'000'000, .queue_limit = 3000});
  for (int i = 0; i < 5; ++i) h.send_at(at_ms(0), tcp_packet(kA, kB, TcpFlags::kAck, i, 960));
  // At 1 ms the first packet has left (1 ms serialisation): room for one more.
  h.send_at(at_ms(1), tcp_packet(kA, kB, TcpFlags::kAck, 10, 960));
  h.send_at(at_ms(1), tcp_packet(kA, kB, TcpFlags::kAck, 11, 960));
  h.loop.run_until_idle();
  EXPECT_EQ(h.link.counters().dropped_queue, 3u);
  EXPECT_EQ(h.count(PacketEventKind::kDropped, DropReason::kQueueOverflow), 3u);
  ASSERT_EQ(h.arrivals.size(), 4u);
  EXPECT_EQ(h.arrivals[3].seq(), 10u);
  EXPECT_EQ(h.arrivals[3].at, at_ms(5));  // tx 3..4 ms, +1 ms propagation
  EXPECT_EQ(h.link.counters().offered, 7u);
}

TEST(Link, MtuDrop) {
  Harness h({.mtu = 576});
  h.send_at(at_ms(0), tcp_packet(kA, kB, TcpFlags::kAck, 1, 536));  // 576: fits
  h.send_at(at_ms(0), tcp_packet(kA, kB, TcpFlags::kAck, 2, 537));  // 577: too big
  h.loop.run_until_idle();
  ASSERT_EQ(h.arrivals.size(), 1u);
  EXPECT_EQ(h.arrivals[0].seq(), 1u);
  EXPECT_EQ(h.link.counters().dropped_mtu, 1u);
  EXPECT_EQ(h.count(PacketEventKind::kDropped, DropReason::kMtu), 1u);
}

TEST(Link, DownLinkDropsNewPacketsButDeliversThoseInFlight) {
  Harness h({.delay = milliseconds(10)});
  h.send_at(at_ms(0), tcp_packet(kA, kB, TcpFlags::kAck, 1));
  h.loop.schedule(at_ms(5), [&] { h.link.set_up(false); });
  h.send_at(at_ms(6), tcp_packet(kA, kB, TcpFlags::kAck, 2));
  h.loop.schedule(at_ms(20), [&] { h.link.set_up(true); });
  h.send_at(at_ms(21), tcp_packet(kA, kB, TcpFlags::kAck, 3));
  h.loop.run_until_idle();
  ASSERT_EQ(h.arrivals.size(), 2u);
  EXPECT_EQ(h.arrivals[0].at, at_ms(10));
  EXPECT_EQ(h.arrivals[1].seq(), 3u);
  EXPECT_EQ(h.link.counters().dropped_down, 1u);
  EXPECT_EQ(h.count(PacketEventKind::kDropped, DropReason::kLinkDown), 1u);
}

TEST(Link, ScriptedDropDelayAndHeldCopy) {
  Harness h({.delay = milliseconds(10)});
  h.link.add_fault(*parse_fault("drop:2"));
  h.link.add_fault(*parse_fault("delay:3:50ms"));
  h.link.add_fault(*parse_fault("dup-at:1:3s"));
  for (int i = 1; i <= 4; ++i) {
    h.send_at(at_ms(i), tcp_packet(kA, kB, TcpFlags::kAck, static_cast<std::uint32_t>(i)));
  }
  h.loop.run_until_idle();
  std::vector<std::pair<Instant, std::uint32_t>> got;
  for (const auto& a : h.arrivals) got.emplace_back(a.at, a.seq());
  const std::vector<std::pair<Instant, std::uint32_t>> want = {
      {at_ms(11), 1}, {at_ms(14), 4}, {at_ms(63), 3}, {at_ms(3000), 1}};
  EXPECT_EQ(got, want);
  const LinkCounters& c = h.link.counters();
  EXPECT_EQ(c.dropped_scripted, 1u);
  EXPECT_EQ(c.delayed_scripted, 1u);
  EXPECT_EQ(c.held, 1u);
  EXPECT_EQ(c.delivered, 4u);
  EXPECT_EQ(h.count(PacketEventKind::kHeld), 1u);
  EXPECT_EQ(h.count(PacketEventKind::kDelayed), 1u);
  EXPECT_TRUE(h.link.faults().unfired().empty());
}

TEST(Link, FirstSynAckDroppedByFlags) {
  Harness h({.delay = milliseconds(5)});
  h.link.add_fault(*parse_fault("drop:SA"));
  const std::uint16_t sa = TcpFlags::kSyn | TcpFlags::kAck;
  h.send_at(at_ms(0), tcp_packet(kA, kB, TcpFlags::kSyn, 100));
  h.send_at(at_ms(1), tcp_packet(kA, kB, sa, 200));
  h.send_at(at_ms(2), tcp_packet(kA, kB, sa, 300));  // the retransmission gets through
  h.loop.run_until_idle();
  ASSERT_EQ(h.arrivals.size(), 2u);
  EXPECT_EQ(h.arrivals[0].seq(), 100u);
  EXPECT_EQ(h.arrivals[1].seq(), 300u);
  EXPECT_EQ(h.count(PacketEventKind::kDropped, DropReason::kScripted), 1u);
}

TEST(Link, CorruptionChangesBytesAndTheTcpChecksumCatchesIt) {
  const std::uint64_t seed = 0xc0ffee;
  std::printf("seed=%llu\n", static_cast<unsigned long long>(seed));
  LinkConfig cfg{.impairment = {.corrupt = 1.0, .corrupt_skip = Ipv4Header::kSize}};
  Harness h(cfg, seed);
  const auto sent = tcp_packet(kA, kB, TcpFlags::kAck | TcpFlags::kPsh, 7, 100);
  ASSERT_TRUE(parse_ipv4_tcp(sent).has_value());
  for (int i = 0; i < 50; ++i) h.send_at(at_ms(i), sent);
  h.loop.run_until_idle();
  ASSERT_EQ(h.arrivals.size(), 50u);
  EXPECT_EQ(h.link.counters().corrupted, 50u);
  for (const auto& a : h.arrivals) {
    ASSERT_EQ(a.bytes.size(), sent.size());
    std::size_t diff = 0;
    for (std::size_t i = 0; i < sent.size(); ++i) diff += a.bytes[i] != sent[i];
    EXPECT_EQ(diff, 1u);
    const auto ip = Ipv4View::parse(a.bytes);  // the IPv4 header is spared
    ASSERT_TRUE(ip.has_value());
    const auto tcp = TcpView::parse(ip->payload());
    if (tcp) {
      EXPECT_FALSE(tcp->checksum_ok(ip->src(), ip->dst()));
    }
    EXPECT_FALSE(parse_ipv4_tcp(a.bytes).has_value());
  }
  EXPECT_EQ(h.count(PacketEventKind::kCorrupted), 50u);
}

TEST(Link, JitterNeverReordersButReorderDoes) {
  const std::uint64_t seed = 77;
  std::printf("seed=%llu\n", static_cast<unsigned long long>(seed));
  Harness jit({.delay = milliseconds(10), .jitter = milliseconds(5)}, seed);
  for (int i = 0; i < 200; ++i) jit.send_at(at_ms(i), tcp_packet(kA, kB, TcpFlags::kAck, i));
  jit.loop.run_until_idle();
  ASSERT_EQ(jit.arrivals.size(), 200u);
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(jit.arrivals[i].seq(), static_cast<std::uint32_t>(i));
    const Duration d = jit.arrivals[i].at - at_ms(i);
    EXPECT_GE(d, milliseconds(10));
  }

  Harness ro(
      {.delay = milliseconds(10), .impairment = {.reorder = 0.2, .reorder_delay = milliseconds(5)}},
      seed);
  for (int i = 0; i < 200; ++i) ro.send_at(at_ms(i), tcp_packet(kA, kB, TcpFlags::kAck, i));
  ro.loop.run_until_idle();
  ASSERT_EQ(ro.arrivals.size(), 200u);
  int out_of_order = 0;
  for (int i = 1; i < 200; ++i) out_of_order += ro.arrivals[i].seq() < ro.arrivals[i - 1].seq();
  EXPECT_GT(out_of_order, 10);
  EXPECT_GT(ro.link.counters().reordered, 20u);
}

TEST(Link, RandomLossAndDuplicationRates) {
  const std::uint64_t seed = 4242;
  std::printf("seed=%llu\n", static_cast<unsigned long long>(seed));
  Harness h({.impairment = {.loss = 0.1, .duplicate = 0.05}}, seed);
  const int n = 20'000;
  for (int i = 0; i < n; ++i) h.send_at(at_ms(i), tcp_packet(kA, kB, TcpFlags::kAck, i));
  h.loop.run_until_idle();
  const LinkCounters& c = h.link.counters();
  EXPECT_NEAR(c.dropped_random / double(n), 0.1, 0.011);
  EXPECT_NEAR(c.duplicated / double(n - c.dropped_random), 0.05, 0.008);
  EXPECT_EQ(c.delivered, n - c.dropped_random + c.duplicated);
  EXPECT_EQ(h.arrivals.size(), c.delivered);
  EXPECT_EQ(h.link.in_flight(), 0u);
}

// Property: whatever the seed and settings, every offered packet is accounted
// for, nothing arrives before send + delay + serialisation, and in-order
// copies arrive in order.
RC_GTEST_PROP(LinkProperty, ConservationAndCausality, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const auto pct = [](int max) { return *rc::gen::inRange(0, max + 1) / 100.0; };
  LinkConfig cfg{.delay = microseconds(*rc::gen::inRange(0, 20'000)),
                 .jitter = microseconds(*rc::gen::inRange(0, 5'000)),
                 .bandwidth_bps = static_cast<std::uint64_t>(*rc::gen::inRange(0, 100'000'000)),
                 .queue_limit = static_cast<std::size_t>(*rc::gen::inRange(1'000, 50'000)),
                 .mtu = static_cast<std::size_t>(*rc::gen::inRange(100, 1500)),
                 .impairment = {.loss = pct(30),
                                .burst = {.p = pct(10), .r = 0.5},
                                .duplicate = pct(30),
                                .reorder = pct(30),
                                .corrupt = pct(30)}};
  Harness h(cfg, seed);
  const int n = *rc::gen::inRange(1, 300);
  for (int i = 0; i < n; ++i) {
    const auto len = static_cast<std::size_t>(*rc::gen::inRange(0, 1460));
    h.send_at(at_ms(i / 4), tcp_packet(kA, kB, TcpFlags::kAck, static_cast<std::uint32_t>(i), len));
  }
  h.loop.run_until_idle();
  const LinkCounters& c = h.link.counters();
  RC_ASSERT(c.offered == static_cast<std::uint64_t>(n));
  RC_ASSERT(c.offered == c.dropped() + c.delivered - c.duplicated - c.held);
  RC_ASSERT(h.arrivals.size() == c.delivered);
  RC_ASSERT(h.link.in_flight() == 0u);
  for (const PacketEvent& e : h.events) {
    if (e.kind != PacketEventKind::kDelivered) continue;
    RC_ASSERT(e.time >= e.sent_at + cfg.delay + h.link.serialization_delay(e.bytes.size()));
  }
}

}  // namespace
}  // namespace synack::sim
