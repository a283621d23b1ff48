// SPDX-License-Identifier: Apache-2.0
// Table-driven coverage: every state × {SYN, SYN-ACK, ACK, FIN, FIN-ACK, RST,
// RST-ACK, SYN-FIN} × {below the window, left edge, inside, right edge, beyond}
// against the reply and next state RFC 9293 §3.10.7 (with RFC 5961, RFC 1337
// and the engine's defaults) prescribes. One gtest per (state, segment, position).
//
// Positions are relative to RCV.NXT and RCV.WND (10000) in synchronized states:
// below = RCV.NXT−1000, left = RCV.NXT, inside = RCV.NXT+5000,
// right = RCV.NXT+RCV.WND−1, beyond = RCV.NXT+RCV.WND+1000. ACK-bearing
// segments acknowledge SND.NXT. In SYN-SENT the position is that of SEG.ACK
// against (ISS, SND.NXT]: ISS−1000, ISS, ISS+1, SND.NXT, SND.NXT+1000.
#include <array>

#include "tcp/test_dsl.hpp"

namespace synack::tcp::test {
namespace {

enum class Kind { kSyn, kSynAck, kAck, kFin, kFinAck, kRst, kRstAck, kSynFin };
enum class Reply {
  kNone,    ///< nothing sent
  kAck,     ///< <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> (values before the segment)
  kAckFin,  ///< the same acknowledging the FIN: ACK = RCV.NXT+1
  kRst,     ///< <SEQ=SEG.ACK><CTL=RST>
  kRstAck,  ///< <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
  kSynAck,  ///< SYN,ACK with ACK = SEG.SEQ+1
};
using R = Reply;
using enum State;

struct Row {
  State state;
  Kind kind;
  std::array<Reply, 5> reply;
  std::array<State, 5> next;
};

constexpr std::array<State, 5> all(State s) {
  return {s, s, s, s, s};
}
constexpr std::array<Reply, 5> all(Reply r) {
  return {r, r, r, r, r};
}
constexpr std::array<Reply, 5> kEdgesOnly{R::kAck, R::kNone, R::kNone, R::kNone, R::kAck};
constexpr std::array<Reply, 5> kRstRule{R::kNone, R::kNone, R::kAck, R::kAck, R::kNone};
constexpr std::array<State, 5> rst_next(State s, State reset_to = kClosed) {
  return {s, reset_to, s, s, s};
}
constexpr std::array<State, 5> mid(State outer, State inner) {
  return {outer, inner, inner, inner, outer};
}

// clang-format off
constexpr Row kRows[] = {
  // CLOSED (no TCB): §3.10.7.1
  {kClosed, Kind::kSyn,    all(R::kRstAck), all(kClosed)},
  {kClosed, Kind::kSynAck, all(R::kRst),    all(kClosed)},
  {kClosed, Kind::kAck,    all(R::kRst),    all(kClosed)},
  {kClosed, Kind::kFin,    all(R::kRstAck), all(kClosed)},
  {kClosed, Kind::kFinAck, all(R::kRst),    all(kClosed)},
  {kClosed, Kind::kRst,    all(R::kNone),   all(kClosed)},
  {kClosed, Kind::kRstAck, all(R::kNone),   all(kClosed)},
  {kClosed, Kind::kSynFin, all(R::kNone),   all(kClosed)},  // drop_synfin
  // LISTEN: §3.10.7.2
  {kListen, Kind::kSyn,    all(R::kSynAck), all(kSynReceived)},
  {kListen, Kind::kSynAck, all(R::kRst),    all(kListen)},
  {kListen, Kind::kAck,    all(R::kRst),    all(kListen)},
  {kListen, Kind::kFin,    all(R::kNone),   all(kListen)},
  {kListen, Kind::kFinAck, all(R::kRst),    all(kListen)},
  {kListen, Kind::kRst,    all(R::kNone),   all(kListen)},
  {kListen, Kind::kRstAck, all(R::kNone),   all(kListen)},
  {kListen, Kind::kSynFin, all(R::kNone),   all(kListen)},
  // SYN-SENT: §3.10.7.3 (position = SEG.ACK)
  {kSynSent, Kind::kSyn,    all(R::kSynAck), all(kSynReceived)},
  {kSynSent, Kind::kSynAck, {R::kRst, R::kRst, R::kAck, R::kAck, R::kRst},
                            {kSynSent, kSynSent, kEstablished, kEstablished, kSynSent}},
  {kSynSent, Kind::kAck,    {R::kRst, R::kRst, R::kNone, R::kNone, R::kRst}, all(kSynSent)},
  {kSynSent, Kind::kFin,    all(R::kNone), all(kSynSent)},
  {kSynSent, Kind::kFinAck, {R::kRst, R::kRst, R::kNone, R::kNone, R::kRst}, all(kSynSent)},
  {kSynSent, Kind::kRst,    all(R::kNone), all(kSynSent)},
  {kSynSent, Kind::kRstAck, all(R::kNone), {kSynSent, kSynSent, kClosed, kClosed, kSynSent}},
  {kSynSent, Kind::kSynFin, all(R::kNone), all(kSynSent)},
  // SYN-RECEIVED (passive): §3.10.7.4
  {kSynReceived, Kind::kSyn,    kEdgesOnly, mid(kSynReceived, kListen)},
  {kSynReceived, Kind::kSynAck, kEdgesOnly, mid(kSynReceived, kListen)},
  {kSynReceived, Kind::kAck,    kEdgesOnly, mid(kSynReceived, kEstablished)},
  {kSynReceived, Kind::kFin,    kEdgesOnly, all(kSynReceived)},
  {kSynReceived, Kind::kFinAck, {R::kAck, R::kAckFin, R::kAck, R::kAck, R::kAck},
                                {kSynReceived, kCloseWait, kEstablished, kEstablished, kSynReceived}},
  {kSynReceived, Kind::kRst,    kRstRule, rst_next(kSynReceived, kListen)},
  {kSynReceived, Kind::kRstAck, kRstRule, rst_next(kSynReceived, kListen)},
  {kSynReceived, Kind::kSynFin, all(R::kNone), all(kSynReceived)},
  // ESTABLISHED
  {kEstablished, Kind::kSyn,    all(R::kAck), all(kEstablished)},  // RFC 5961 §4.2
  {kEstablished, Kind::kSynAck, all(R::kAck), all(kEstablished)},
  {kEstablished, Kind::kAck,    kEdgesOnly, all(kEstablished)},
  {kEstablished, Kind::kFin,    kEdgesOnly, all(kEstablished)},  // no ACK bit: dropped
  {kEstablished, Kind::kFinAck, {R::kAck, R::kAckFin, R::kAck, R::kAck, R::kAck},
                                {kEstablished, kCloseWait, kEstablished, kEstablished, kEstablished}},
  {kEstablished, Kind::kRst,    kRstRule, rst_next(kEstablished)},
  {kEstablished, Kind::kRstAck, kRstRule, rst_next(kEstablished)},
  {kEstablished, Kind::kSynFin, all(R::kNone), all(kEstablished)},
  // FIN-WAIT-1 (ACKs acknowledge our FIN)
  {kFinWait1, Kind::kSyn,    all(R::kAck), all(kFinWait1)},
  {kFinWait1, Kind::kSynAck, all(R::kAck), all(kFinWait1)},
  {kFinWait1, Kind::kAck,    kEdgesOnly, mid(kFinWait1, kFinWait2)},
  {kFinWait1, Kind::kFin,    kEdgesOnly, all(kFinWait1)},
  {kFinWait1, Kind::kFinAck, {R::kAck, R::kAckFin, R::kAck, R::kAck, R::kAck},
                             {kFinWait1, kTimeWait, kFinWait2, kFinWait2, kFinWait1}},
  {kFinWait1, Kind::kRst,    kRstRule, rst_next(kFinWait1)},
  {kFinWait1, Kind::kRstAck, kRstRule, rst_next(kFinWait1)},
  {kFinWait1, Kind::kSynFin, all(R::kNone), all(kFinWait1)},
  // FIN-WAIT-2
  {kFinWait2, Kind::kSyn,    all(R::kAck), all(kFinWait2)},
  {kFinWait2, Kind::kSynAck, all(R::kAck), all(kFinWait2)},
  {kFinWait2, Kind::kAck,    kEdgesOnly, all(kFinWait2)},
  {kFinWait2, Kind::kFin,    kEdgesOnly, all(kFinWait2)},
  {kFinWait2, Kind::kFinAck, {R::kAck, R::kAckFin, R::kAck, R::kAck, R::kAck},
                             {kFinWait2, kTimeWait, kFinWait2, kFinWait2, kFinWait2}},
  {kFinWait2, Kind::kRst,    kRstRule, rst_next(kFinWait2)},
  {kFinWait2, Kind::kRstAck, kRstRule, rst_next(kFinWait2)},
  {kFinWait2, Kind::kSynFin, all(R::kNone), all(kFinWait2)},
  // CLOSE-WAIT (the peer's FIN is in: a FIN at RCV.NXT is not consumed again)
  {kCloseWait, Kind::kSyn,    all(R::kAck), all(kCloseWait)},
  {kCloseWait, Kind::kSynAck, all(R::kAck), all(kCloseWait)},
  {kCloseWait, Kind::kAck,    kEdgesOnly, all(kCloseWait)},
  {kCloseWait, Kind::kFin,    kEdgesOnly, all(kCloseWait)},
  {kCloseWait, Kind::kFinAck, all(R::kAck), all(kCloseWait)},
  {kCloseWait, Kind::kRst,    kRstRule, rst_next(kCloseWait)},
  {kCloseWait, Kind::kRstAck, kRstRule, rst_next(kCloseWait)},
  {kCloseWait, Kind::kSynFin, all(R::kNone), all(kCloseWait)},
  // CLOSING (ACKs acknowledge our FIN)
  {kClosing, Kind::kSyn,    all(R::kAck), all(kClosing)},
  {kClosing, Kind::kSynAck, all(R::kAck), all(kClosing)},
  {kClosing, Kind::kAck,    kEdgesOnly, mid(kClosing, kTimeWait)},
  {kClosing, Kind::kFin,    kEdgesOnly, all(kClosing)},
  {kClosing, Kind::kFinAck, all(R::kAck), mid(kClosing, kTimeWait)},
  {kClosing, Kind::kRst,    kRstRule, rst_next(kClosing)},
  {kClosing, Kind::kRstAck, kRstRule, rst_next(kClosing)},
  {kClosing, Kind::kSynFin, all(R::kNone), all(kClosing)},
  // LAST-ACK (ACKs acknowledge our FIN)
  {kLastAck, Kind::kSyn,    all(R::kAck), all(kLastAck)},
  {kLastAck, Kind::kSynAck, all(R::kAck), all(kLastAck)},
  {kLastAck, Kind::kAck,    kEdgesOnly, mid(kLastAck, kClosed)},
  {kLastAck, Kind::kFin,    kEdgesOnly, all(kLastAck)},
  {kLastAck, Kind::kFinAck, kEdgesOnly, mid(kLastAck, kClosed)},
  {kLastAck, Kind::kRst,    kRstRule, rst_next(kLastAck)},
  {kLastAck, Kind::kRstAck, kRstRule, rst_next(kLastAck)},
  {kLastAck, Kind::kSynFin, all(R::kNone), all(kLastAck)},
  // TIME-WAIT (RFC 1337 on; a SYN with SEG.SEQ > RCV.NXT re-opens)
  {kTimeWait, Kind::kSyn,    {R::kAck, R::kAck, R::kSynAck, R::kSynAck, R::kSynAck},
                             {kTimeWait, kTimeWait, kSynReceived, kSynReceived, kSynReceived}},
  {kTimeWait, Kind::kSynAck, all(R::kAck), all(kTimeWait)},
  {kTimeWait, Kind::kAck,    kEdgesOnly, all(kTimeWait)},
  {kTimeWait, Kind::kFin,    kEdgesOnly, all(kTimeWait)},
  {kTimeWait, Kind::kFinAck, all(R::kAck), all(kTimeWait)},
  {kTimeWait, Kind::kRst,    all(R::kNone), all(kTimeWait)},
  {kTimeWait, Kind::kRstAck, all(R::kNone), all(kTimeWait)},
  {kTimeWait, Kind::kSynFin, all(R::kNone), all(kTimeWait)},
};
// clang-format on

constexpr std::array<const char*, 5> kPosNames{"below", "left_edge", "inside", "right_edge",
                                               "beyond"};

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::kSyn:
      return "SYN";
    case Kind::kSynAck:
      return "SYN_ACK";
    case Kind::kAck:
      return "ACK";
    case Kind::kFin:
      return "FIN";
    case Kind::kFinAck:
      return "FIN_ACK";
    case Kind::kRst:
      return "RST";
    case Kind::kRstAck:
      return "RST_ACK";
    case Kind::kSynFin:
      return "SYN_FIN";
  }
  return "?";
}

std::uint16_t kind_flags(Kind k) {
  switch (k) {
    case Kind::kSyn:
      return SYN;
    case Kind::kSynAck:
      return SYN | ACK;
    case Kind::kAck:
      return ACK;
    case Kind::kFin:
      return FIN;
    case Kind::kFinAck:
      return FIN | ACK;
    case Kind::kRst:
      return RST;
    case Kind::kRstAck:
      return RST | ACK;
    case Kind::kSynFin:
      return SYN | FIN;
  }
  return 0;
}

void enter(Harness& h, State s) {
  switch (s) {
    case kClosed:
      h.closed();
      break;
    case kListen:
      h.listen();
      break;
    case kSynSent:
      h.syn_sent();
      break;
    case kSynReceived:
      h.syn_received();
      break;
    case kEstablished:
      h.established();
      break;
    case kFinWait1:
      h.fin_wait_1();
      break;
    case kFinWait2:
      h.fin_wait_2();
      break;
    case kCloseWait:
      h.close_wait();
      break;
    case kClosing:
      h.closing();
      break;
    case kLastAck:
      h.last_ack();
      break;
    case kTimeWait:
      h.time_wait();
      break;
  }
}

struct Case {
  const Row* row;
  int pos;
};

void run_case(const Case& c) {
  const Row& row = *c.row;
  Harness h;
  enter(h, row.state);
  const Status before = h.conn.status();
  Seg s{.flags = kind_flags(row.kind)};
  const std::uint32_t wnd = kRcvBuf;
  if (row.state == kSynSent) {
    const std::uint32_t iss = before.snd.iss.raw();
    const std::array<std::uint32_t, 5> acks{iss - 1000, iss, iss + 1, before.snd.nxt.raw(),
                                            before.snd.nxt.raw() + 1000};
    s.seq = kPeerIss;
    s.ack = (s.flags & ACK) ? acks[static_cast<std::size_t>(c.pos)] : 0;
  } else {
    const std::uint32_t base =
        (row.state == kListen || row.state == kClosed) ? kPeerIss : before.rcv.nxt.raw();
    const std::array<std::uint32_t, 5> seqs{base - 1000, base, base + wnd / 2, base + wnd - 1,
                                            base + wnd + 1000};
    s.seq = seqs[static_cast<std::size_t>(c.pos)];
    s.ack = (s.flags & ACK) ? (row.state == kListen ? 5000 : before.snd.nxt.raw()) : 0;
  }
  h.note(std::string("          # ") + to_string(row.state).data() + " x " + kind_name(row.kind) +
         " @ " + kPosNames[static_cast<std::size_t>(c.pos)]);
  h.inject(s);
  const Reply want = row.reply[static_cast<std::size_t>(c.pos)];
  const SeqLen seg_len = ((s.flags & SYN) ? 1u : 0u) + ((s.flags & FIN) ? 1u : 0u);
  switch (want) {
    case R::kNone:
      h.expect_no_tx();
      break;
    case R::kAck:  // in SYN-SENT: the ACK of the peer's SYN
      h.expect_tx({{.flags = ACK,
                    .seq = before.snd.nxt.raw(),
                    .ack = row.state == kSynSent ? s.seq + 1 : before.rcv.nxt.raw()}});
      break;
    case R::kAckFin:
      h.expect_tx({{.flags = ACK, .seq = before.snd.nxt.raw(), .ack = before.rcv.nxt.raw() + 1}});
      break;
    case R::kRst:
      h.expect_tx({{.flags = RST, .seq = s.ack, .ack = 0}});
      break;
    case R::kRstAck:
      h.expect_tx({{.flags = RST | ACK, .seq = 0, .ack = s.seq + seg_len}});
      break;
    case R::kSynAck: {
      auto tx = h.drain();
      ASSERT_EQ(tx.size(), 1u);
      EXPECT_EQ(tx[0].flags.bits, SYN | ACK);
      EXPECT_EQ(tx[0].ack, SeqNum(s.seq + 1));
      break;
    }
  }
  h.expect_state(row.next[static_cast<std::size_t>(c.pos)]);
}

std::vector<Case> all_cases() {
  std::vector<Case> v;
  for (const Row& r : kRows) {
    for (int p = 0; p < 5; ++p) v.push_back({&r, p});
  }
  return v;
}

class StateEventTable : public ::testing::TestWithParam<Case> {};

TEST_P(StateEventTable, ReplyAndNextState) {
  run_case(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Rfc9293, StateEventTable, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           std::string name =
                               std::string(to_string(param_info.param.row->state)) + "_" +
                               kind_name(param_info.param.row->kind) + "_" +
                               kPosNames[static_cast<std::size_t>(param_info.param.pos)];
                           for (char& ch : name) {
                             if (ch == '-') ch = '_';
                           }
                           return name;
                         });

TEST(StateEventTableShape, EveryStateHasEveryKind) {
  EXPECT_EQ(std::size(kRows), kStateCount * 8);
  for (std::size_t i = 0; i < std::size(kRows); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(kRows[i].state), i / 8);
    EXPECT_EQ(static_cast<std::size_t>(kRows[i].kind), i % 8);
  }
}

// For state_diagram_coverage: every row, in one scenario.
[[maybe_unused]] const bool kRegistered = register_scenario("StateEventTable.all", [] {
  for (const Case& c : all_cases()) run_case(c);
});

}  // namespace
}  // namespace synack::tcp::test
