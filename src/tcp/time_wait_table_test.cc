// SPDX-License-Identifier: Apache-2.0
// TimeWaitTable (time_wait_table.hpp): index, slots and the expiry queue.
#include "tcp/time_wait_table.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "tcp/demux.hpp"

namespace synack::tcp {
namespace {

using Table = TimeWaitTable<TupleHash>;

FourTuple tuple(std::uint32_t i) {
  return {{Ipv4Addr{0x0a000002}, 80},
          {Ipv4Addr{0x0b000000 + (i >> 4)}, static_cast<std::uint16_t>(20000 + (i & 15))}};
}

TimeWaitEntry entry(std::uint32_t i, Instant expiry) {
  TimeWaitEntry e;
  e.tuple = tuple(i);
  e.snd_nxt = SeqNum(i);
  e.expiry = expiry;
  return e;
}

Instant at_ms(std::int64_t ms) {
  return Instant{} + milliseconds(ms);
}

std::vector<std::uint32_t> expire(Table& t, Instant now) {
  std::vector<std::uint32_t> gone;
  t.expire(now, [&](const TimeWaitEntry& e) { gone.push_back(e.snd_nxt.raw()); });
  return gone;
}

TEST(TimeWaitTable, FindsInsertedEntriesAndForgetsErasedOnes) {
  Table t(TupleHash{1, 2});
  for (std::uint32_t i = 0; i < 1000; ++i) t.insert(entry(i, at_ms(60000 + i)));
  EXPECT_EQ(t.size(), 1000u);
  for (std::uint32_t i = 0; i < 1000; ++i) {
    const auto s = t.find(tuple(i));
    ASSERT_NE(s, Table::kNone) << i;
    EXPECT_EQ(t.at(s).snd_nxt, SeqNum(i));
  }
  EXPECT_EQ(t.find(tuple(5000)), Table::kNone);
  for (std::uint32_t i = 0; i < 1000; i += 2) t.erase(t.find(tuple(i)));
  EXPECT_EQ(t.size(), 500u);
  for (std::uint32_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(t.find(tuple(i)) != Table::kNone, i % 2 == 1) << i;
  }
  std::size_t seen = 0;
  t.for_each([&](const TimeWaitEntry&) { ++seen; });
  EXPECT_EQ(seen, 500u);
}

TEST(TimeWaitTable, ExpiresInOrderAtTheMillisecondRoundedUp) {
  Table t(TupleHash{3, 4});
  t.insert(entry(1, at_ms(100) + microseconds(1)));  // due at 101 ms
  t.insert(entry(2, at_ms(150)));
  EXPECT_EQ(t.next_expiry(), at_ms(101));
  EXPECT_TRUE(expire(t, at_ms(100) + microseconds(5)).empty());
  EXPECT_EQ(expire(t, at_ms(101)), std::vector<std::uint32_t>{1});
  EXPECT_EQ(t.next_expiry(), at_ms(150));
  EXPECT_EQ(expire(t, at_ms(500)), std::vector<std::uint32_t>{2});
  EXPECT_EQ(t.next_expiry(), kNever);
  EXPECT_EQ(t.size(), 0u);
}

TEST(TimeWaitTable, RestartedEntryExpiresLaterAndOnlyOnce) {
  Table t(TupleHash{5, 6});
  t.insert(entry(1, at_ms(100)));
  t.insert(entry(2, at_ms(200)));
  const auto s = t.find(tuple(1));
  t.at(s).expiry = at_ms(300);  // a retransmitted FIN restarted its 2MSL
  t.restarted(s);
  EXPECT_EQ(t.next_expiry(), at_ms(200));
  EXPECT_EQ(expire(t, at_ms(250)), std::vector<std::uint32_t>{2});
  EXPECT_EQ(expire(t, at_ms(300)), std::vector<std::uint32_t>{1});
  EXPECT_EQ(t.size(), 0u);
}

TEST(TimeWaitTable, EarlierEntryAddedLastStillExpiresFirst) {
  Table t(TupleHash{7, 8});
  t.insert(entry(1, at_ms(200)));
  t.insert(entry(2, at_ms(300)));
  t.insert(entry(3, at_ms(100)));  // a TCB that stayed in TIME-WAIT while its socket was held
  t.insert(entry(4, at_ms(250)));
  EXPECT_EQ(t.next_expiry(), at_ms(100));
  EXPECT_EQ(expire(t, at_ms(1000)), (std::vector<std::uint32_t>{3, 1, 4, 2}));
}

TEST(TimeWaitTable, ReusedSlotIsNotExpiredByTheOldQueueElement) {
  Table t(TupleHash{9, 10});
  t.insert(entry(1, at_ms(100)));
  t.insert(entry(2, at_ms(150)));
  t.erase(t.find(tuple(2)));       // RST in TIME-WAIT (RFC 1337 off)
  t.insert(entry(3, at_ms(400)));  // takes the freed slot
  EXPECT_EQ(expire(t, at_ms(200)), std::vector<std::uint32_t>{1});
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.next_expiry(), at_ms(400));
  EXPECT_EQ(expire(t, at_ms(400)), std::vector<std::uint32_t>{3});
}

}  // namespace
}  // namespace synack::tcp
