// SPDX-License-Identifier: Apache-2.0
// The demultiplexer: connection index, TIME-WAIT entries (and the ISS of a
// SYN that re-opens one), listeners, closed ports.
#include "tcp/demux.hpp"

#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

struct DemuxHarness {
  DemuxHarness() : demux(cfg, &sink, TupleHash{1, 2}, DemuxLimits{}) {}

  FourTuple tuple{{Ipv4Addr::from_octets(10, 0, 0, 1), 80},
                  {Ipv4Addr::from_octets(10, 0, 0, 2), 40000}};
  TcpSegment seg(std::uint16_t flags, std::uint32_t seq, std::uint32_t ack = 0) const {
    TcpSegment s;
    s.src_port = tuple.remote.port;
    s.dst_port = tuple.local.port;
    s.seq = SeqNum(seq);
    s.ack = SeqNum(ack);
    s.flags.bits = flags;
    s.window = 1000;
    return s;
  }
  TimeWaitEntry entry() const {
    TimeWaitEntry tw;
    tw.tuple = tuple;
    tw.snd_nxt = SeqNum(5000);
    tw.rcv_nxt = SeqNum(9000);
    tw.rcv_wnd = 1000;
    tw.expiry = now + seconds(60);
    return tw;
  }
  void listen() { demux.add_listener(std::make_unique<Listener>(tuple.local, 8, cfg, &sink)); }

  Config cfg = test_config();
  RecordingSink sink;
  Demux demux;
  Instant now{};
};

TEST(Demux, ConnectionIndexComesFirst) {
  DemuxHarness h;
  h.listen();
  h.demux.add_connection(h.tuple, 7);
  const Delivery d = h.demux.on_segment(h.tuple, h.seg(ACK, 9000, 5000), h.now);
  EXPECT_EQ(d.to, Delivery::To::kConnection);
  EXPECT_EQ(d.id, 7u);
  EXPECT_FALSE(d.reply);
  h.demux.remove_connection(h.tuple);
  EXPECT_EQ(h.demux.find_connection(h.tuple), nullptr);
}

TEST(Demux, ClosedPortGetsOneRstAndRstGetsNothing) {
  DemuxHarness h;
  Delivery d = h.demux.on_segment(h.tuple, h.seg(ACK, 9000, 5000), h.now);
  EXPECT_EQ(d.to, Delivery::To::kNoConnection);
  ASSERT_TRUE(d.reply);
  EXPECT_EQ(d.reply->flags.bits, RST);
  EXPECT_EQ(d.reply->seq, SeqNum(5000));  // <SEQ=SEG.ACK><CTL=RST> (RFC 9293 §3.10.7.1)
  EXPECT_EQ(h.sink.count(TraceKind::kRstSent), 1u);
  d = h.demux.on_segment(h.tuple, h.seg(RST, 9000), h.now);
  EXPECT_EQ(d.to, Delivery::To::kNoConnection);
  EXPECT_FALSE(d.reply);
}

TEST(Demux, TimeWaitEntryAnswersAndExpires) {
  DemuxHarness h;
  ASSERT_TRUE(h.demux.add_time_wait(h.entry()));
  EXPECT_TRUE(h.demux.in_time_wait(h.tuple));
  const Delivery d = h.demux.on_segment(h.tuple, h.seg(FIN | ACK, 8999, 5000), h.now);
  EXPECT_EQ(d.to, Delivery::To::kTimeWait);
  ASSERT_TRUE(d.reply);
  EXPECT_EQ(d.reply->ack, SeqNum(9000));
  EXPECT_LE(h.demux.next_deadline(), h.now + seconds(60));  // the wheel's slot, not later
  h.demux.on_timeout(h.now + seconds(59));
  EXPECT_TRUE(h.demux.in_time_wait(h.tuple));
  h.demux.on_timeout(h.now + seconds(60));
  EXPECT_FALSE(h.demux.in_time_wait(h.tuple));
  EXPECT_EQ(h.demux.time_wait_count(), 0u);
}

// RFC 9293 §3.6.1 / MAY-2: the new incarnation's ISS lies beyond anything the
// old one sent; the listener uses the ISS the TIME-WAIT entry chose.
TEST(Demux, SynReopeningTimeWaitGetsAnIssBeyondTheOldConnection) {
  DemuxHarness h;
  h.listen();
  ASSERT_TRUE(h.demux.add_time_wait(h.entry()));
  const Delivery d = h.demux.on_segment(h.tuple, h.seg(SYN, 20000), h.now);
  EXPECT_EQ(d.to, Delivery::To::kListener);
  EXPECT_FALSE(h.demux.in_time_wait(h.tuple));
  const auto out = h.demux.poll_transmit(h.now);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->second.flags.bits, SYN | ACK);
  EXPECT_EQ(out->second.seq, SeqNum(5000 + 65537));
  EXPECT_EQ(out->second.ack, SeqNum(20001));
}

TEST(Demux, OldSynInTimeWaitIsChallengedNotReopened) {
  DemuxHarness h;
  h.listen();
  ASSERT_TRUE(h.demux.add_time_wait(h.entry()));
  const Delivery d = h.demux.on_segment(h.tuple, h.seg(SYN, 100), h.now);
  EXPECT_EQ(d.to, Delivery::To::kTimeWait);
  ASSERT_TRUE(d.reply);
  EXPECT_EQ(d.reply->flags.bits, ACK);  // RFC 5961 §4.2 challenge ACK
  EXPECT_TRUE(h.demux.in_time_wait(h.tuple));
  EXPECT_EQ(h.sink.count(TraceKind::kChallengeAck), 1u);
}

TEST(Demux, NewSynsBeyondTheConnectionLimitAreRefused) {
  Config cfg = test_config();
  Demux demux(cfg, nullptr, TupleHash{}, DemuxLimits{.max_connections = 1});
  const FourTuple t{{Ipv4Addr::from_octets(10, 0, 0, 1), 80},
                    {Ipv4Addr::from_octets(10, 0, 0, 2), 40000}};
  demux.add_listener(std::make_unique<Listener>(t.local, 8, cfg));
  demux.add_connection({t.local, {t.remote.addr, 1}}, 0);
  TcpSegment syn;
  syn.src_port = t.remote.port;
  syn.dst_port = t.local.port;
  syn.flags.bits = SYN;
  EXPECT_EQ(demux.on_segment(t, syn, Instant{}).to, Delivery::To::kOverLimit);
}

TEST(Demux, ExactListenerBeatsWildcard) {
  Config cfg = test_config();
  Demux demux(cfg, nullptr, TupleHash{}, DemuxLimits{});
  const Endpoint exact{Ipv4Addr::from_octets(10, 0, 0, 1), 80};
  const std::uint32_t any =
      demux.add_listener(std::make_unique<Listener>(Endpoint{{}, 80}, 8, cfg));
  const std::uint32_t one = demux.add_listener(std::make_unique<Listener>(exact, 8, cfg));
  EXPECT_EQ(demux.find_listener(exact), &demux.listener(one));
  EXPECT_EQ(demux.find_listener({Ipv4Addr::from_octets(10, 0, 0, 9), 80}), &demux.listener(any));
  EXPECT_EQ(demux.find_listener({Ipv4Addr::from_octets(10, 0, 0, 1), 81}), nullptr);
}

// The any-destination listener (0.0.0.0:0, Stack::listen_any) takes every
// port and address, after the exact and the 0.0.0.0 listeners of a port.
TEST(Demux, AnyPortListenerIsTheLastResort) {
  Config cfg = test_config();
  Demux demux(cfg, nullptr, TupleHash{}, DemuxLimits{});
  const std::uint32_t any_port = demux.add_listener(std::make_unique<Listener>(Endpoint{}, 8, cfg));
  const std::uint32_t port80 =
      demux.add_listener(std::make_unique<Listener>(Endpoint{{}, 80}, 8, cfg));
  EXPECT_EQ(demux.find_listener({Ipv4Addr::from_octets(192, 0, 2, 7), 80}),
            &demux.listener(port80));
  EXPECT_EQ(demux.find_listener({Ipv4Addr::from_octets(192, 0, 2, 7), 443}),
            &demux.listener(any_port));
  EXPECT_EQ(demux.find_listener({Ipv4Addr::from_octets(10, 0, 0, 1), 1}),
            &demux.listener(any_port));
  const FourTuple t{{Ipv4Addr::from_octets(198, 51, 100, 1), 25},
                    {Ipv4Addr::from_octets(10, 0, 0, 2), 40000}};
  TcpSegment syn;
  syn.src_port = t.remote.port;
  syn.dst_port = t.local.port;
  syn.flags.bits = SYN;
  const Delivery d = demux.on_segment(t, syn, Instant{});
  EXPECT_EQ(d.to, Delivery::To::kListener);
  EXPECT_EQ(d.id, any_port);
}

// IPv6 tuples have an index of their own (IPv4 keys stay 12 bytes); a tuple of
// mixed families names nothing; a listener takes segments of its family only.
TEST(Demux, IpV6ConnectionsAndListenersKeepToTheirFamily) {
  Config cfg = test_config();
  Demux demux(cfg, nullptr, TupleHash{3, 4}, DemuxLimits{});
  const Ipv6Addr ours = Ipv6Addr::from_groups(0xfd77, 0, 0, 0, 0, 0, 0, 2);
  const Ipv6Addr peer = Ipv6Addr::from_groups(0xfd77, 0, 0, 0, 0, 0, 0, 1);
  const FourTuple v6{{ours, 80}, {peer, 40000}};
  const FourTuple v4{{Ipv4Addr::from_octets(10, 0, 0, 2), 80},
                     {Ipv4Addr::from_octets(10, 0, 0, 1), 40000}};
  const FourTuple mapped{{Ipv6Addr::v4_mapped(Ipv4Addr::from_octets(10, 0, 0, 2)), 80},
                         {Ipv6Addr::v4_mapped(Ipv4Addr::from_octets(10, 0, 0, 1)), 40000}};
  demux.add_connection(v6, 6);
  demux.add_connection(v4, 4);
  EXPECT_EQ(demux.connection_count(), 2u);
  ASSERT_NE(demux.find_connection(v6), nullptr);
  EXPECT_EQ(*demux.find_connection(v6), 6u);
  EXPECT_EQ(*demux.find_connection(v4), 4u);
  EXPECT_EQ(demux.find_connection(mapped), nullptr);
  EXPECT_EQ(demux.find_connection({v4.local, v6.remote}), nullptr);
  demux.add_connection({v4.local, v6.remote}, 9);  // ignored: names no connection
  EXPECT_EQ(demux.connection_count(), 2u);
  demux.remove_connection(v6);
  EXPECT_EQ(demux.find_connection(v6), nullptr);
  EXPECT_EQ(*demux.find_connection(v4), 4u);

  const std::uint32_t any4 = demux.add_listener(std::make_unique<Listener>(Endpoint{}, 8, cfg));
  EXPECT_EQ(demux.find_listener({ours, 80}), nullptr);  // 0.0.0.0:0 takes no IPv6
  const std::uint32_t any6 =
      demux.add_listener(std::make_unique<Listener>(Endpoint{Ipv6Addr{}, 80}, 8, cfg));
  EXPECT_EQ(demux.find_listener({ours, 80}), &demux.listener(any6));
  EXPECT_EQ(demux.find_listener({Ipv4Addr::from_octets(10, 0, 0, 2), 80}), &demux.listener(any4));
  const std::uint32_t exact6 =
      demux.add_listener(std::make_unique<Listener>(Endpoint{ours, 80}, 8, cfg));
  EXPECT_EQ(demux.find_listener({ours, 80}), &demux.listener(exact6));

  // The TIME-WAIT table keeps the IPv6 pair out of line and finds it again.
  TimeWaitEntry tw;
  tw.tuple = v6;
  tw.expiry = Instant{} + seconds(60);
  ASSERT_TRUE(demux.add_time_wait(tw));
  EXPECT_TRUE(demux.in_time_wait(v6));
  EXPECT_FALSE(demux.in_time_wait(mapped));
  EXPECT_FALSE(demux.in_time_wait(v4));
  demux.on_timeout(Instant{} + seconds(61));
  EXPECT_FALSE(demux.in_time_wait(v6));
}

}  // namespace
}  // namespace synack::tcp::test
