// SPDX-License-Identifier: Apache-2.0
#include "sim/network.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "sim/test_nodes.hpp"
#include "sim/trace_hash.hpp"

namespace synack::sim {
namespace {

using test::EchoNode;
using test::kA;
using test::kB;
using test::RecordingNode;
using test::tcp_packet;

Instant at_ms(std::int64_t ms) {
  return Instant{} + milliseconds(ms);
}

TEST(Network, TwoNodesExchangePacketsWithExactTimes) {
  Network net(1);
  auto& a = net.emplace_node<RecordingNode>("a", kA);
  auto& b = net.emplace_node<EchoNode>("b", kB);
  const auto [ab, ba] = net.connect(a.id(), b.id(), LinkConfig{.delay = milliseconds(10)},
                                    LinkConfig{.delay = milliseconds(30)});
  EXPECT_EQ(net.find_link(a.id(), b.id()), ab);
  EXPECT_EQ(net.find_link(b.id(), a.id()), ba);
  EXPECT_EQ(net.find_node(kB), b.id());
  net.loop().schedule(at_ms(5), [&] { a.send(tcp_packet(kA, kB, TcpFlags::kSyn)); });
  net.loop().run_until_idle();
  EXPECT_EQ(b.received, 1u);
  ASSERT_EQ(a.arrivals.size(), 1u);
  EXPECT_EQ(a.arrivals[0].at, at_ms(45));  // 5 + 10 there + 30 back
  EXPECT_EQ(net.now(), at_ms(45));
  EXPECT_EQ(net.totals().delivered, 2u);
}

TEST(Network, ObserverSeesSentAndDeliveredWithTimes) {
  Network net(1);
  auto& a = net.emplace_node<RecordingNode>("a", kA);
  auto& b = net.emplace_node<RecordingNode>("b", kB);
  net.connect(a.id(), b.id(), LinkConfig{.delay = milliseconds(7)});
  std::vector<PacketEvent> ev;
  std::vector<std::size_t> sizes;
  net.add_observer([&](const PacketEvent& e) {
    ev.push_back(e);
    sizes.push_back(e.bytes.size());
  });
  net.loop().schedule(at_ms(1), [&] { a.send(tcp_packet(kA, kB, TcpFlags::kSyn, 1, 10)); });
  net.loop().run_until_idle();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].kind, PacketEventKind::kSent);
  EXPECT_EQ(ev[0].time, at_ms(1));
  EXPECT_EQ(ev[1].kind, PacketEventKind::kDelivered);
  EXPECT_EQ(ev[1].time, at_ms(8));
  EXPECT_EQ(ev[1].sent_at, at_ms(1));
  EXPECT_EQ(ev[1].packet_id, ev[0].packet_id);
  EXPECT_EQ(ev[1].from, a.id());
  EXPECT_EQ(ev[1].to, b.id());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{50, 50}));
}

TEST(Network, NoRouteAndMalformedAreDroppedAndCounted) {
  Network net(1);
  auto& a = net.emplace_node<RecordingNode>("a", kA);
  auto& b = net.emplace_node<RecordingNode>("b", kB);
  net.connect(a.id(), b.id());
  std::vector<DropReason> drops;
  net.add_observer([&](const PacketEvent& e) {
    if (e.kind == PacketEventKind::kDropped) drops.push_back(e.reason);
  });
  a.send(tcp_packet(kA, Ipv4Addr::from_octets(192, 0, 2, 1), TcpFlags::kSyn));
  std::vector<std::byte> junk(7);
  a.send(junk);
  net.loop().run_until_idle();
  EXPECT_EQ(drops, (std::vector<DropReason>{DropReason::kNoRoute, DropReason::kMalformed}));
  EXPECT_EQ(net.dropped_no_route(), 1u);
  EXPECT_EQ(net.dropped_malformed(), 1u);
  EXPECT_TRUE(b.arrivals.empty());
}

// A router that forwards everything it receives (by destination).
class Router : public Node {
 public:
  using Node::Node;
  void on_packet(Bytes p, Instant) override { send(p); }
};

TEST(Network, RoutesThroughARouterByLongestPrefix) {
  Network net(1);
  auto& a = net.emplace_node<RecordingNode>("a", kA);
  auto& r = net.emplace_node<Router>("r", Ipv4Addr::from_octets(10, 0, 0, 254));
  auto& b = net.emplace_node<RecordingNode>("b", kB);
  const auto [ar, ra] = net.connect(a.id(), r.id(), LinkConfig{.delay = milliseconds(1)});
  net.connect(r.id(), b.id(), LinkConfig{.delay = milliseconds(2)});
  net.add_route(a.id(), Ipv4Addr{}, 0, ar);  // default route via the router
  (void)ra;
  a.send(tcp_packet(kA, kB, TcpFlags::kSyn));
  net.loop().run_until_idle();
  ASSERT_EQ(b.arrivals.size(), 1u);
  EXPECT_EQ(b.arrivals[0].at, at_ms(3));
}

// Ping-pong under every random impairment; returns the trace hash.
std::uint64_t impaired_run(std::uint64_t seed, std::uint64_t* events = nullptr) {
  Network net(seed);
  auto& a = net.emplace_node<RecordingNode>("a", kA);
  auto& b = net.emplace_node<EchoNode>("b", kB);
  const LinkConfig cfg{.delay = milliseconds(10),
                       .jitter = milliseconds(3),
                       .bandwidth_bps = 10'000'000,
                       .queue_limit = 20'000,
                       .impairment = {.loss = 0.05,
                                      .burst = {.p = 0.02, .r = 0.3},
                                      .duplicate = 0.05,
                                      .reorder = 0.05,
                                      .corrupt = 0.02}};
  net.connect(a.id(), b.id(), cfg);
  TraceHash hash;
  net.add_observer(hash.observer());
  for (int i = 0; i < 500; ++i) {
    net.loop().schedule(at_ms(i), [&a, i] {
      a.send(tcp_packet(kA, kB, TcpFlags::kAck, static_cast<std::uint32_t>(i), 1000));
    });
  }
  net.loop().run_until_idle();
  if (events) *events = hash.events();
  return hash.value();
}

TEST(Network, SameSeedSameTraceDifferentSeedDifferentTrace) {
  const std::uint64_t seed = 20261121;
  std::printf("seed=%llu\n", static_cast<unsigned long long>(seed));
  std::uint64_t events = 0;
  const std::uint64_t h1 = impaired_run(seed, &events);
  EXPECT_GT(events, 1500u);
  EXPECT_EQ(h1, impaired_run(seed));
  EXPECT_NE(h1, impaired_run(seed + 1));
}

TEST(Network, TraceIsPinnedAcrossMachines) {
  // The same seed must give this exact trace on every machine and standard
  // library. If a deliberate change to the model (or to the test packets'
  // bytes) moves it, update the constant in the same commit and say why.
  const std::uint64_t seed = 20261121;
  std::printf("seed=%llu\n", static_cast<unsigned long long>(seed));
  std::uint64_t events = 0;
  const std::uint64_t h = impaired_run(seed, &events);
  std::printf("trace hash=0x%016llx events=%llu\n", static_cast<unsigned long long>(h),
              static_cast<unsigned long long>(events));
  EXPECT_EQ(h, 0x2d29c9438dac220aULL);
  EXPECT_EQ(events, 1973u);
}

TEST(Network, EveryFateIsCountedAndReported) {
  const std::uint64_t seed = 99;
  std::printf("seed=%llu\n", static_cast<unsigned long long>(seed));
  Network net(seed);
  auto& a = net.emplace_node<RecordingNode>("a", kA);
  auto& b = net.emplace_node<RecordingNode>("b", kB);
  const auto [ab, ba] = net.connect(
      a.id(), b.id(),
      LinkConfig{
          .impairment = {
              .loss = 0.1, .burst = {.p = 0.05, .r = 0.5}, .duplicate = 0.1, .corrupt = 0.1}});
  (void)ba;
  std::map<PacketEventKind, std::uint64_t> kinds;
  std::map<DropReason, std::uint64_t> reasons;
  net.add_observer([&](const PacketEvent& e) {
    ++kinds[e.kind];
    if (e.kind == PacketEventKind::kDropped) ++reasons[e.reason];
  });
  const int n = 5000;
  for (int i = 0; i < n; ++i) {
    net.loop().schedule(at_ms(i), [&a] { a.send(tcp_packet(kA, kB, TcpFlags::kAck, 1, 100)); });
  }
  net.loop().run_until_idle();
  const LinkCounters& c = net.link(ab).counters();
  EXPECT_EQ(kinds[PacketEventKind::kSent], static_cast<std::uint64_t>(n));
  EXPECT_EQ(kinds[PacketEventKind::kDelivered], c.delivered);
  EXPECT_EQ(kinds[PacketEventKind::kDuplicated], c.duplicated);
  EXPECT_EQ(kinds[PacketEventKind::kCorrupted], c.corrupted);
  EXPECT_EQ(reasons[DropReason::kRandomLoss], c.dropped_random);
  EXPECT_EQ(reasons[DropReason::kBurstLoss], c.dropped_burst);
  EXPECT_GT(c.dropped_random, 0u);
  EXPECT_GT(c.dropped_burst, 0u);
  EXPECT_GT(c.duplicated, 0u);
  EXPECT_GT(c.corrupted, 0u);
  EXPECT_EQ(c.offered, c.dropped() + c.delivered - c.duplicated);
  EXPECT_EQ(b.arrivals.size(), c.delivered);
}

}  // namespace
}  // namespace synack::sim
