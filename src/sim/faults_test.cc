// SPDX-License-Identifier: Apache-2.0
#include "sim/faults.hpp"

#include <gtest/gtest.h>

#include "sim/test_nodes.hpp"

namespace synack::sim {
namespace {

using test::kA;
using test::kB;
using test::tcp_packet;

TEST(FaultLanguage, ParsesTheExamples) {
  auto f = parse_fault("drop:3");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->action, FaultAction::kDrop);
  EXPECT_FALSE(f->match.flags);
  EXPECT_EQ(f->match.nth, 3u);

  f = parse_fault("drop:SA");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->match.flags, TcpFlags::kSyn | TcpFlags::kAck);
  EXPECT_EQ(f->match.nth, 1u);
  EXPECT_EQ(f->to_string(), "drop:S.");

  f = parse_fault("drop:S.:2");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->match.flags, TcpFlags::kSyn | TcpFlags::kAck);
  EXPECT_EQ(f->match.nth, 2u);

  f = parse_fault("delay:2:500ms");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->action, FaultAction::kDelay);
  EXPECT_EQ(f->match.nth, 2u);
  EXPECT_EQ(f->delay, milliseconds(500));
  EXPECT_EQ(f->to_string(), "delay:2:500ms");

  f = parse_fault("dup-at:1:3s");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->action, FaultAction::kDupAt);
  EXPECT_EQ(f->at, Instant{} + seconds(3));

  f = parse_fault("delay:F.:2:250us");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->match.flags, TcpFlags::kFin | TcpFlags::kAck);
  EXPECT_EQ(f->delay, microseconds(250));
  EXPECT_EQ(f->to_string(), "delay:F.:2:250us");

  auto list = parse_faults("drop:R,delay:-:1:1ms");
  ASSERT_TRUE(list) << list.error();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].match.flags, 0);
}

TEST(FaultLanguage, ErrorsNameTheBadToken) {
  struct Case {
    const char* text;
    const char* expect;  // substring of the error
  };
  const Case cases[] = {
      {"dorp:3", "unknown action 'dorp'"},          {"drop:SX", "unknown TCP flag 'X' in 'SX'"},
      {"drop:0", "bad segment number '0'"},         {"drop", "missing segment selector"},
      {"drop:", "missing segment selector"},        {"delay:2", "missing duration"},
      {"delay:2:500", "bad duration '500'"},        {"delay:2:5min", "bad duration '5min'"},
      {"drop:3:extra", "unexpected token 'extra'"}, {"dup-at:S:1:xs", "bad duration 'xs'"},
  };
  for (const Case& c : cases) {
    auto f = parse_fault(c.text);
    ASSERT_FALSE(f) << c.text;
    EXPECT_NE(f.error().find(c.expect), std::string::npos) << c.text << " → " << f.error();
    EXPECT_NE(f.error().find(std::string("'") + c.text + "'"), std::string::npos) << f.error();
  }
  EXPECT_FALSE(parse_faults("drop:1,bogus"));
}

TEST(FaultPlan, NthSegmentAndFlagMatchesFireOnce) {
  FaultPlan plan;
  plan.add(*parse_fault("drop:3"));
  plan.add(*parse_fault("drop:S.:2"));
  plan.add(*parse_fault("delay:F.:1:7ms"));
  std::vector<bool> dropped;
  const std::uint16_t sa = TcpFlags::kSyn | TcpFlags::kAck;
  const std::uint16_t flags[] = {
      TcpFlags::kSyn, sa, TcpFlags::kAck, sa, sa, TcpFlags::kFin | TcpFlags::kAck};
  Duration delayed{};
  for (auto fl : flags) {
    const FaultOutcome o = plan.apply(tcp_packet(kA, kB, fl));
    dropped.push_back(o.drop);
    delayed += o.delay;
  }
  // Segment 3 (the bare ACK) and the 2nd SYN-ACK (segment 4) are dropped.
  EXPECT_EQ(dropped, (std::vector<bool>{false, false, true, true, false, false}));
  EXPECT_EQ(delayed, milliseconds(7));
  EXPECT_EQ(plan.tcp_segments(), 6u);
  EXPECT_EQ(plan.fired(), 3u);
  EXPECT_TRUE(plan.unfired().empty());
}

TEST(FaultPlan, NonTcpPacketsAreNotCounted) {
  FaultPlan plan;
  plan.add(*parse_fault("drop:1"));
  std::vector<std::byte> junk(10, std::byte{0x45});
  EXPECT_FALSE(plan.apply(junk).drop);
  auto udp = tcp_packet(kA, kB, TcpFlags::kSyn);
  udp[9] = std::byte{17};  // protocol UDP
  EXPECT_FALSE(plan.apply(udp).drop);
  EXPECT_EQ(plan.tcp_segments(), 0u);
  EXPECT_EQ(plan.unfired().size(), 1u);
  EXPECT_TRUE(plan.apply(tcp_packet(kA, kB, TcpFlags::kSyn)).drop);
}

}  // namespace
}  // namespace synack::sim
