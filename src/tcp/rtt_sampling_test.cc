// SPDX-License-Identifier: Apache-2.0
// RTT samples from the timestamps option (RFC 7323 §4.1, RFC 6298 §3) with the
// segment DSL, virtual time: an ACK of new data whose TSecr predates our latest
// retransmission is not timed (issue 17: such echoes came back minutes late
// under 15 % loss + 15 % corruption and drove the RTO to minutes); an echo of
// the retransmission itself, or of later data, still is.
#include <string>

#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

std::uint32_t tsval_of(const TcpSegment& s) {
  const auto ts = s.options.summarize().timestamps;
  EXPECT_TRUE(ts.has_value()) << describe(s);
  return ts ? ts->val : 0;
}

// Established with timestamps; two 1000-byte segments out (101, 1101), the
// first ACKed after 40 ms (SRTT 40 ms, RTTVAR 20 ms), the second retransmitted
// by the RTO. Returns the TSvals of the second's original and retransmission.
struct Sent {
  std::uint32_t original;
  std::uint32_t retransmission;
};

Sent second_segment_retransmitted(Harness& h) {
  h.syn_sent();
  // MSS 1012: 1000 bytes of data per segment next to the 12-byte timestamps option.
  h.inject({.flags = SYN | ACK,
            .seq = kPeerIss,
            .ack = kIss + 1,
            .mss = 1012,
            .tsval = 1000,
            .tsecr = 0});
  h.drain();
  h.advance(10);  // our clock off 0: TSecr 0 means "no echo"
  EXPECT_TRUE(h.conn.send(as_bytes(std::string(2000, 'x')), h.now).has_value());
  const auto out = h.drain();
  EXPECT_EQ(out.size(), 2u);
  if (out.size() != 2) return {};
  h.advance(40);
  h.inject({.flags = ACK, .seq = 301, .ack = 1101, .tsval = 1001, .tsecr = tsval_of(out[0])});
  EXPECT_EQ(h.conn.info(h.now).rtt, 40000u);
  h.advance(200);  // RTO (40 + 4·20 ms, raised to min_rto 200 ms)
  const auto rtx = h.drain();
  EXPECT_EQ(rtx.size(), 1u);
  if (rtx.size() != 1) return {};
  EXPECT_EQ(rtx[0].seq, SeqNum(1101));
  return {tsval_of(out[1]), tsval_of(rtx[0])};
}

TEST(RttSampling, EchoOlderThanTheRetransmissionIsNotTimed) {
  Harness h(ts_config());
  const Sent s = second_segment_retransmitted(h);
  // The ACK of the original transmission, held back by the peer (its ACK lost,
  // repeated on its own timer) for 5 s: now − TSecr would be ≈ 5.2 s.
  h.advance(5000);
  h.inject({.flags = ACK, .seq = 301, .ack = 2101, .tsval = 1002, .tsecr = s.original});
  const Info i = h.conn.info(h.now);
  EXPECT_EQ(i.unacked, 0u);  // the ACK itself counts
  EXPECT_EQ(i.rtt, 40000u);  // no sample: SRTT and RTTVAR unchanged
  EXPECT_EQ(i.rttvar, 20000u);
  // RTOs at 250, 650, 1450 and 3050 ms doubled it to 3.2 s; no sample ends
  // that backoff (RFC 6298 (5.5), Karn).
  EXPECT_EQ(i.rto, 3200000u);
}

TEST(RttSampling, EchoOfTheRetransmissionIsTimed) {
  Harness h(ts_config());
  const Sent s = second_segment_retransmitted(h);
  h.advance(40);
  h.inject({.flags = ACK, .seq = 301, .ack = 2101, .tsval = 1002, .tsecr = s.retransmission});
  const Info i = h.conn.info(h.now);
  EXPECT_EQ(i.rtt, 40000u);     // a 40 ms sample (RFC 7323 §4.1)
  EXPECT_EQ(i.rttvar, 15000u);  // 3/4·20 + 1/4·0
  EXPECT_EQ(i.rto, 200000u);    // the sample ends the backoff
}

TEST(RttSampling, NewDataAfterTheRetransmissionIsTimedAgain) {
  Harness h(ts_config());
  const Sent s = second_segment_retransmitted(h);
  h.advance(5000);
  h.inject({.flags = ACK, .seq = 301, .ack = 2101, .tsval = 1002, .tsecr = s.original});
  ASSERT_TRUE(h.conn.send(as_bytes(std::string(500, 'y')), h.now).has_value());
  const auto out = h.drain();
  ASSERT_EQ(out.size(), 1u);
  h.advance(60);
  h.inject({.flags = ACK, .seq = 301, .ack = 2601, .tsval = 1003, .tsecr = tsval_of(out[0])});
  const Info i = h.conn.info(h.now);
  EXPECT_EQ(i.rtt, 42500u);     // 7/8·40 + 1/8·60 ms
  EXPECT_EQ(i.rttvar, 20000u);  // 3/4·20 + 1/4·20
}

}  // namespace
}  // namespace synack::tcp::test
