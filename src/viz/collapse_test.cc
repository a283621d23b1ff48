// SPDX-License-Identifier: Apache-2.0
#include "viz/collapse.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace synack::viz {
namespace {

using namespace std::chrono_literals;

PacketEvent data(Instant t, std::uint32_t seq, std::uint32_t len, EndpointId from = 0) {
  PacketEvent p;
  p.sent = t;
  p.arrived = t + 1ms;
  p.from = from;
  p.to = 1 - from;
  p.tcp.flags = TcpFlags{TcpFlags::kAck};
  p.tcp.seq = seq;
  p.tcp.len = len;
  return p;
}

// A long transfer, then a close: what a live --trace of a bulk transfer sees.
TEST(Collapse, LongTransferKeepsItsOpeningAndItsClose) {
  EventCollapser c;
  Instant t{};
  c.add(StateEvent{t, 0, tcp::State::kClosed, tcp::State::kSynSent, "user: connect()", ""});
  std::uint32_t seq = 1;
  for (int i = 0; i < 100000; ++i) {
    t += 10us;
    const bool retransmit = i == 50000;
    c.add(data(t, retransmit ? seq - 1000 : seq, 1000));
    if (!retransmit) seq += 1000;
    if (i % 2 == 1) c.add(data(t, 1, 0, 1));  // the receiver's ACKs
  }
  EXPECT_LT(c.held(), 200u);  // bounded while running
  PacketEvent fin = data(t + 1ms, seq, 0);
  fin.tcp.flags = TcpFlags{static_cast<std::uint16_t>(TcpFlags::kFin | TcpFlags::kAck)};
  c.add(fin);
  c.add(StateEvent{t + 1ms, 0, tcp::State::kEstablished, tcp::State::kFinWait1, "close", ""});
  c.add(data(t + 2ms, 1, 0, 1));
  const auto out = c.finish();
  EXPECT_LT(out.size(), 200u);
  EXPECT_EQ(c.collapsed(), 150000u + 1 - (out.size() - 4));
  // The FIN and the state change after it are there, last but one and two.
  ASSERT_TRUE(std::holds_alternative<StateEvent>(out[out.size() - 2]));
  const auto* kept_fin = std::get_if<PacketEvent>(&out[out.size() - 3]);
  ASSERT_NE(kept_fin, nullptr);
  EXPECT_TRUE(kept_fin->tcp.flags.fin());
  // One summary row (no pinned event in the middle), counting the retransmission.
  const auto summaries = std::ranges::count_if(out, [](const Event& e) { return is_summary(e); });
  EXPECT_EQ(summaries, 1);
  const auto it = std::ranges::find_if(out, [](const Event& e) { return is_summary(e); });
  EXPECT_NE(std::get<NoteEvent>(*it).text.find("1 retransmission "), std::string::npos)
      << std::get<NoteEvent>(*it).text;
}

TEST(Collapse, ExpandKeepsEverything) {
  EventCollapser c(CollapseOptions{.head = 2, .context = 1, .max_pinned = 1, .expand = true});
  for (int i = 0; i < 1000; ++i) c.add(data(Instant{i * 1ms}, 1 + 10 * i, 10));
  EXPECT_EQ(c.finish().size(), 1000u);
}

TEST(Collapse, ShortRunsAreUntouched) {
  EventCollapser c;
  for (int i = 0; i < 40; ++i) c.add(data(Instant{i * 1ms}, 1 + 10 * i, 10));
  const auto out = c.finish();
  EXPECT_EQ(out.size(), 40u);
  EXPECT_EQ(c.collapsed(), 0u);
}

}  // namespace
}  // namespace synack::viz
