// SPDX-License-Identifier: Apache-2.0
// Listener: SYN queue, accept queue, overflow, SYN cookies (RFC 4987).
#include "tcp/listener.hpp"

#include "tcp/syn_cookie.hpp"
#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

struct ListenerHarness {
  explicit ListenerHarness(std::size_t backlog = 2, Config c = test_config())
      : cfg(c), listener(local, backlog, cfg, &sink) {
    sink.log = &log;
  }
  ~ListenerHarness() {
    if (::testing::Test::HasFailure()) {
      for (const auto& l : log) std::fprintf(stderr, "%s\n", l.c_str());
    }
  }
  FourTuple from(std::uint16_t port) const {
    return {local, {Ipv4Addr::from_octets(10, 0, 0, 9), port}};
  }
  TcpSegment seg(std::uint16_t port, std::uint16_t flags, std::uint32_t seq,
                 std::uint32_t ack = 0) {
    TcpSegment s;
    s.src_port = port;
    s.dst_port = local.port;
    s.seq = SeqNum(seq);
    s.ack = SeqNum(ack);
    s.flags.bits = flags;
    s.window = 5000;
    if (flags & SYN) s.options.mss(1400);
    return s;
  }
  ListenerResult in(std::uint16_t port, std::uint16_t flags, std::uint32_t seq,
                    std::uint32_t ack = 0) {
    return listener.on_segment(from(port), seg(port, flags, seq, ack), now);
  }
  std::vector<std::pair<FourTuple, TcpSegment>> drain() {
    std::vector<std::pair<FourTuple, TcpSegment>> out;
    while (auto s = listener.poll_transmit(now)) out.push_back(*s);
    return out;
  }
  void advance(std::int64_t ms) {
    const Instant target = now + milliseconds(ms);
    while (listener.next_deadline() <= target) {
      now = listener.next_deadline();
      listener.on_timeout(now);
    }
    now = target;
  }

  Endpoint local{Ipv4Addr::from_octets(10, 0, 0, 1), 80};
  Config cfg;
  std::vector<std::string> log;
  RecordingSink sink;
  Instant now{};
  Listener listener;
};

SYNACK_SCENARIO(Listener, HandshakeThroughQueues) {
  ListenerHarness l;
  EXPECT_EQ(l.listener.state(), State::kListen);
  EXPECT_EQ(l.in(5000, SYN, 300).kind, ListenerResult::Kind::kNewHalfOpen);
  EXPECT_EQ(l.listener.syn_queue_length(), 1u);
  auto tx = l.drain();
  ASSERT_EQ(tx.size(), 1u);
  EXPECT_EQ(tx[0].second.flags.bits, SYN | ACK);
  EXPECT_EQ(tx[0].second.ack, SeqNum(301));
  EXPECT_EQ(tx[0].first, l.from(5000));
  const std::uint32_t iss = tx[0].second.seq.raw();
  EXPECT_EQ(IsnGenerator(l.cfg.isn_secret).next(l.from(5000), l.now), SeqNum(iss));
  EXPECT_EQ(l.listener.accept(), nullptr);
  EXPECT_EQ(l.in(5000, ACK, 301, iss + 1).kind, ListenerResult::Kind::kCompleted);
  EXPECT_EQ(l.listener.syn_queue_length(), 0u);
  EXPECT_EQ(l.listener.accept_queue_length(), 1u);
  auto c = l.listener.accept();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->state(), State::kEstablished);
  EXPECT_EQ(c->status().snd_mss, 1400);
  EXPECT_EQ(l.listener.accept_queue_length(), 0u);
}

SYNACK_SCENARIO(Listener, RstInSynReceivedFreesHalfOpen) {
  ListenerHarness l;
  l.in(5000, SYN, 300);
  l.drain();
  EXPECT_EQ(l.in(5000, RST, 301).kind, ListenerResult::Kind::kToConnection);
  EXPECT_EQ(l.listener.syn_queue_length(), 0u);  // back to LISTEN: everything freed
  EXPECT_EQ(l.listener.next_deadline(), kNever);
}

SYNACK_SCENARIO(Listener, AckOrRstWithoutConnection) {
  ListenerHarness l;
  auto r = l.in(5000, ACK, 1, 777);
  ASSERT_EQ(r.kind, ListenerResult::Kind::kReply);  // bad cookie → as LISTEN: RST
  EXPECT_EQ(r.reply->flags.bits, RST);
  EXPECT_EQ(r.reply->seq, SeqNum(777));
  EXPECT_EQ(l.listener.drops()[DropReason::kBadCookie], 1u);
  EXPECT_EQ(l.in(5000, RST, 1).kind, ListenerResult::Kind::kDropped);
  EXPECT_EQ(l.in(5000, FIN, 1).kind, ListenerResult::Kind::kDropped);
}

SYNACK_SCENARIO(Listener, SynQueueFullDropsWithoutCookies) {
  Config c = test_config();
  c.syn_cookies = SynCookies::kOff;
  ListenerHarness l(2, c);
  l.in(5000, SYN, 300);
  l.in(5001, SYN, 300);
  auto r = l.in(5002, SYN, 300);
  EXPECT_EQ(r.kind, ListenerResult::Kind::kDropped);
  EXPECT_EQ(r.drop, DropReason::kSynQueueFull);
  EXPECT_EQ(l.listener.syn_queue_length(), 2u);
}

SYNACK_SCENARIO(Listener, SynQueueFullResetsWhenConfigured) {
  Config c = test_config();
  c.syn_cookies = SynCookies::kOff;
  c.overflow = OverflowAction::kReset;
  ListenerHarness l(1, c);
  l.in(5000, SYN, 300);
  auto r = l.in(5001, SYN, 300);
  ASSERT_EQ(r.kind, ListenerResult::Kind::kReply);
  EXPECT_EQ(r.reply->flags.bits, RST | ACK);
  EXPECT_EQ(r.reply->ack, SeqNum(301));
}

SYNACK_SCENARIO(Listener, SynCookiesWhenSynQueueFull) {
  ListenerHarness l(1);
  l.in(5000, SYN, 300);
  auto r = l.in(5001, SYN, 900);
  ASSERT_EQ(r.kind, ListenerResult::Kind::kReply);
  EXPECT_EQ(r.reply->flags.bits, SYN | ACK);
  EXPECT_EQ(r.reply->ack, SeqNum(901));
  EXPECT_EQ(l.listener.cookies_sent(), 1u);
  EXPECT_EQ(l.listener.syn_queue_length(), 1u);  // no state kept
  const std::uint32_t cookie = r.reply->seq.raw();
  EXPECT_EQ(check_syn_cookie(l.cfg.isn_secret, l.from(5001), SeqNum(900), SeqNum(cookie), l.now),
            1380);  // largest table MSS ≤ 1400
  l.advance(5000);
  auto done = l.in(5001, ACK, 901, cookie + 1);
  EXPECT_EQ(done.kind, ListenerResult::Kind::kCompletedCookie);
  auto c = l.listener.accept();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->state(), State::kEstablished);
  EXPECT_EQ(c->status().snd_mss, 1380);
  EXPECT_EQ(c->sender().snd.una, SeqNum(cookie + 1));
  EXPECT_EQ(c->receiver().rcv.nxt, SeqNum(901));
}

SYNACK_SCENARIO(Listener, ForgedOrExpiredCookieRejected) {
  Config c = test_config();
  c.syn_cookies = SynCookies::kAlways;
  ListenerHarness l(4, c);
  auto r = l.in(5001, SYN, 900);
  ASSERT_EQ(r.kind, ListenerResult::Kind::kReply);
  const std::uint32_t cookie = r.reply->seq.raw();
  EXPECT_EQ(l.in(5001, ACK, 901, cookie + 2).kind, ListenerResult::Kind::kReply);  // RST
  l.advance(200000);  // > two counter periods
  auto late = l.in(5001, ACK, 901, cookie + 1);
  ASSERT_EQ(late.kind, ListenerResult::Kind::kReply);
  EXPECT_EQ(late.reply->flags.bits, RST);
  EXPECT_EQ(l.listener.accept_queue_length(), 0u);
}

SYNACK_SCENARIO(Listener, AcceptQueueFull) {
  Config c = test_config();
  c.syn_cookies = SynCookies::kOff;
  ListenerHarness l(1, c);
  l.in(5000, SYN, 300);
  l.in(5001, SYN, 300);  // dropped: SYN queue full (backlog 1)
  auto tx = l.drain();
  ASSERT_EQ(tx.size(), 1u);
  l.in(5000, ACK, 301, tx[0].second.seq.raw() + 1);
  EXPECT_EQ(l.listener.accept_queue_length(), 1u);
  EXPECT_EQ(l.in(5002, SYN, 300).drop, DropReason::kAcceptQueueFull);
}

SYNACK_SCENARIO(Listener, SynAckRetriesExhaustedSendsRstAndFrees) {
  Config c = test_config();
  c.synack_retries = 2;
  ListenerHarness l(2, c);
  l.in(5000, SYN, 300);
  l.drain();
  l.advance(1000);
  EXPECT_EQ(l.drain().size(), 1u);
  l.advance(2000);
  EXPECT_EQ(l.drain().size(), 1u);
  l.advance(4000);
  auto tx = l.drain();
  ASSERT_EQ(tx.size(), 1u);
  EXPECT_EQ(tx[0].second.flags.bits, RST);
  EXPECT_EQ(l.listener.syn_queue_length(), 0u);
}

SYNACK_SCENARIO(Listener, CloseListener) {
  ListenerHarness l;
  l.in(5000, SYN, 300);
  l.listener.close(l.now);
  EXPECT_EQ(l.listener.state(), State::kClosed);
  auto r = l.in(5001, SYN, 1);
  ASSERT_EQ(r.kind, ListenerResult::Kind::kReply);
  EXPECT_EQ(r.reply->flags.bits, RST | ACK);
}

}  // namespace
}  // namespace synack::tcp::test
