// SPDX-License-Identifier: Apache-2.0
// Wireshark-style analysis on crafted packet lists.
#include "viz/analysis.hpp"

#include <gtest/gtest.h>

#include "viz/test_runs.hpp"

namespace synack::viz {
namespace {

using namespace std::chrono_literals;
constexpr std::uint16_t kSyn = TcpFlags::kSyn, kAck = TcpFlags::kAck, kFin = TcpFlags::kFin,
                        kRst = TcpFlags::kRst, kPsh = TcpFlags::kPsh;

TcpFields f(std::uint16_t flags, std::uint32_t seq, std::uint32_t ack, std::uint32_t len = 0,
            std::uint16_t win = 1000) {
  return {.flags = {flags},
          .seq = seq,
          .ack = ack,
          .len = len,
          .window = win,
          .options = {},
          .options_text = {}};
}

struct Fixture {
  RunBuilder b{"t", "t"};
  EndpointId c = b.endpoint("client", "10.0.0.1", 1, 1000);
  EndpointId s = b.endpoint("server", "10.0.0.2", 2, 5000);
  Duration t{};
  // Sends at the next millisecond, delivered 10 ms later.
  void send(EndpointId from, TcpFields fields) {
    t += 1ms;
    b.send(at(t), from, from == c ? s : c, std::move(fields), at(t + 10ms));
  }
  void drop(EndpointId from, TcpFields fields) {
    t += 1ms;
    b.drop(at(t), from, from == c ? s : c, std::move(fields));
  }
  Analysis analyze_all(bool absolute = false) {
    run = b.build();
    return analyze(run, absolute);
  }
  viz::Run run;
};

std::vector<std::string> tags(const Analysis& a, std::size_t packet) {
  return a.packets.at(packet).tag_texts();
}

TEST(Analysis, RelativeSequenceNumbersPerDirection) {
  Fixture x;
  x.send(x.c, f(kSyn, 1000, 0));
  x.send(x.s, f(kSyn | kAck, 5000, 1001));
  x.send(x.c, f(kAck, 1001, 5001));
  const Analysis a = x.analyze_all();
  EXPECT_EQ(a.packets[0].seq, 0);
  EXPECT_EQ(a.packets[1].seq, 0);
  EXPECT_EQ(a.packets[1].ack, 1);
  EXPECT_EQ(a.packets[2].seq, 1);
  EXPECT_EQ(a.packets[2].ack, 1);
  EXPECT_EQ(a.packets[2].number, 3u);
  const Analysis raw = analyze(x.run, /*absolute=*/true);
  EXPECT_EQ(raw.packets[1].seq, 5000);
  EXPECT_EQ(raw.packets[1].ack, 1001);
}

TEST(Analysis, RelativeAcrossWrapAndFromFirstSynWithoutIsn) {
  RunBuilder b("t", "t");
  auto c = b.endpoint("client", "a", 1);  // no ISN given: the first SYN's seq is used
  auto s = b.endpoint("server", "b", 2);
  b.send(at(0ms), c, s, f(kSyn, 0xfffffffeu, 0), at(1ms));
  b.send(at(1ms), s, c, f(kRst | kAck, 0, 0xffffffffu), at(2ms));
  const viz::Run r = b.build();
  const Analysis a = analyze(r);
  EXPECT_EQ(a.base[0], 0xfffffffeu);
  EXPECT_EQ(a.packets[1].ack, 1);  // wraps past 2^32
  EXPECT_TRUE(a.packets[1].tags.empty());
}

TEST(Analysis, SynRetransmissionsAfterLoss) {
  Fixture x;
  x.drop(x.c, f(kSyn, 1000, 0));
  x.drop(x.c, f(kSyn, 1000, 0));
  x.send(x.c, f(kSyn, 1000, 0));
  const Analysis a = x.analyze_all();
  EXPECT_TRUE(tags(a, 0).empty());
  EXPECT_EQ(tags(a, 1), std::vector<std::string>{"[TCP Retransmission]"});
  EXPECT_EQ(tags(a, 2), std::vector<std::string>{"[TCP Retransmission]"});
}

TEST(Analysis, DupAcksNumberTheOriginalFrame) {
  Fixture x;
  x.send(x.c, f(kAck, 1001, 5001));              // 1: original ACK
  x.send(x.s, f(kPsh | kAck, 5001, 1001, 100));  // 2
  x.send(x.c, f(kAck, 1001, 5001));              // 3: dup of 1
  x.send(x.c, f(kAck, 1001, 5001));              // 4: dup of 1, #2
  x.send(x.c, f(kAck, 1001, 5001, 0, 999));      // 5: window changed: not a dup
  x.send(x.c, f(kAck, 1001, 5101));              // 6: new ACK
  x.send(x.c, f(kAck, 1001, 5101));              // 7: dup of 6
  const Analysis a = x.analyze_all();
  EXPECT_TRUE(tags(a, 0).empty());
  EXPECT_EQ(tags(a, 2), std::vector<std::string>{"[TCP Dup ACK 1#1]"});
  EXPECT_EQ(tags(a, 3), std::vector<std::string>{"[TCP Dup ACK 1#2]"});
  EXPECT_TRUE(tags(a, 4).empty());
  EXPECT_TRUE(tags(a, 5).empty());
  EXPECT_EQ(tags(a, 6), std::vector<std::string>{"[TCP Dup ACK 6#1]"});
}

TEST(Analysis, DataRetransmissionAndSpuriousRetransmission) {
  Fixture x;
  x.send(x.c, f(kPsh | kAck, 1001, 5001, 100));  // 1
  x.send(x.c, f(kPsh | kAck, 1001, 5001, 100));  // 2: retransmission, not yet ACKed
  x.t += 20ms;                                   // the ACK below arrives before 4 is sent
  x.send(x.s, f(kAck, 5001, 1101));              // 3
  x.t += 20ms;
  x.send(x.c, f(kPsh | kAck, 1001, 5001, 100));  // 4: spurious
  const Analysis a = x.analyze_all();
  EXPECT_EQ(tags(a, 1), std::vector<std::string>{"[TCP Retransmission]"});
  EXPECT_EQ(tags(a, 3),
            (std::vector<std::string>{"[TCP Retransmission]", "[TCP Spurious Retransmission]"}));
}

TEST(Analysis, FinRetransmissionFromLastAckAndReAckFromTimeWait) {
  Fixture x;
  x.send(x.s, f(kFin | kAck, 5001, 1002));  // 1
  x.drop(x.c, f(kAck, 1002, 5002));         // 2: lost final ACK
  x.send(x.s, f(kFin | kAck, 5001, 1002));  // 3
  x.send(x.c, f(kAck, 1002, 5002));         // 4
  const Analysis a = x.analyze_all();
  EXPECT_EQ(tags(a, 2), std::vector<std::string>{"[TCP Retransmission]"});
  EXPECT_EQ(tags(a, 3), std::vector<std::string>{"[TCP Dup ACK 2#1]"});
}

TEST(Analysis, OutOfOrderByArrival) {
  RunBuilder b("t", "t");
  auto c = b.endpoint("client", "a", 1, 0);
  auto s = b.endpoint("server", "b", 2, 0);
  b.send(at(0ms), c, s, f(kAck, 1, 1, 100), at(50ms));  // overtaken on the link
  b.send(at(1ms), c, s, f(kAck, 101, 1, 100), at(20ms));
  const viz::Run r = b.build();
  const Analysis a = analyze(r);
  EXPECT_EQ(tags(a, 0), std::vector<std::string>{"[TCP Out-Of-Order]"});
  EXPECT_TRUE(tags(a, 1).empty());
}

TEST(Analysis, KeepAliveZeroWindowWindowFullAndGap) {
  Fixture x;
  x.send(x.c, f(kPsh | kAck, 1001, 5001, 100));  // 1: snd.nxt = 1101
  x.send(x.c, f(kAck, 1100, 5001, 1));           // 2: keep-alive (seq = nxt - 1)
  x.send(x.s, f(kAck, 5001, 1101, 0, 0));        // 3: zero window
  x.send(x.s, f(kAck, 5001, 1101, 0, 200));      // 4: window 200 → right edge 1301
  x.send(x.c, f(kPsh | kAck, 1101, 5001, 200));  // 5: fills it
  x.send(x.c, f(kPsh | kAck, 1401, 5001, 10));   // 6: 1301..1401 never seen
  const Analysis a = x.analyze_all();
  EXPECT_EQ(tags(a, 1), std::vector<std::string>{"[TCP Keep-Alive]"});
  EXPECT_EQ(tags(a, 2), std::vector<std::string>{"[TCP ZeroWindow]"});
  EXPECT_EQ(tags(a, 4), std::vector<std::string>{"[TCP Window Full]"});
  EXPECT_EQ(tags(a, 5), std::vector<std::string>{"[TCP Previous segment not captured]"});
}

TEST(Analysis, WindowScaledOnlyWhenBothSidesOfferIt) {
  Fixture x;
  TcpFields syn = f(kSyn, 1000, 0, 0, 65535);
  syn.options.window_scale = 7;
  x.send(x.c, syn);
  TcpFields synack = f(kSyn | kAck, 5000, 1001, 0, 65535);
  x.send(x.s, synack);  // no wscale: scaling is off both ways
  x.send(x.c, f(kAck, 1001, 5001, 0, 502));
  Analysis a = x.analyze_all();
  EXPECT_EQ(a.packets[2].window, 502u);

  Fixture y;
  y.send(y.c, syn);
  synack.options.window_scale = 2;
  y.send(y.s, synack);
  y.send(y.c, f(kAck, 1001, 5001, 0, 502));
  y.send(y.s, f(kAck, 5001, 1001, 0, 100));
  a = y.analyze_all();
  EXPECT_EQ(a.packets[0].window, 65535u);  // never scaled on a SYN
  EXPECT_EQ(a.packets[2].window, 502u << 7);
  EXPECT_EQ(a.packets[3].window, 100u << 2);
}

TEST(Analysis, SimultaneousOpenSynAckIsNotARetransmission) {
  Fixture x;
  x.send(x.c, f(kSyn, 1000, 0));
  x.send(x.s, f(kSyn, 5000, 0));
  x.send(x.s, f(kSyn | kAck, 5000, 1001));  // first SYN,ACK: the next step
  x.send(x.c, f(kSyn | kAck, 1000, 5001));
  x.send(x.s, f(kSyn | kAck, 5000, 1001));  // the same SYN,ACK again: a retransmission
  const Analysis a = x.analyze_all();
  EXPECT_TRUE(tags(a, 2).empty());
  EXPECT_TRUE(tags(a, 3).empty());
  EXPECT_EQ(tags(a, 4), std::vector<std::string>{"[TCP Retransmission]"});
}

TEST(Analysis, TestRunsCarryTheExpectedTags) {
  const viz::Run r = testing::lost_third_ack();
  const Analysis a = analyze(r);
  ASSERT_EQ(a.packets.size(), 5u);
  EXPECT_EQ(tags(a, 3), std::vector<std::string>{"[TCP Retransmission]"});
  EXPECT_EQ(tags(a, 4), std::vector<std::string>{"[TCP Dup ACK 3#1]"});
  ASSERT_NE(a.for_event(a.packets[4].event_index), nullptr);
  EXPECT_EQ(a.for_event(a.packets[4].event_index)->number, 5u);
  EXPECT_EQ(a.for_event(0), nullptr);  // a note
}

}  // namespace
}  // namespace synack::viz
