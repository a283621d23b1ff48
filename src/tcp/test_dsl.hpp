// SPDX-License-Identifier: Apache-2.0
// Segment-level test DSL for the engine (docs/architecture.md, tier 2): one
// connection behind the real demultiplexer (tcp::Demux: every injected segment
// is matched there; LISTEN is a real tcp::Listener), virtual time, segments as
// designated initializers, a fixture ladder for every state, and the full step
// log printed when a test fails.
//
//   Harness h;
//   h.established();
//   h.inject({.flags = FIN | ACK, .seq = 301, .ack = 101});
//   h.expect_tx({{.flags = ACK, .seq = 101, .ack = 302}});
//   h.expect_state(State::kCloseWait);
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/rfc_tag.hpp"
#include "tcp/config.hpp"
#include "tcp/connection.hpp"
#include "tcp/demux.hpp"
#include "tcp/listener.hpp"
#include "tcp/trace.hpp"

namespace synack::tcp::test {

inline constexpr std::uint16_t FIN = TcpFlags::kFin;
inline constexpr std::uint16_t SYN = TcpFlags::kSyn;
inline constexpr std::uint16_t RST = TcpFlags::kRst;
inline constexpr std::uint16_t PSH = TcpFlags::kPsh;
inline constexpr std::uint16_t ACK = TcpFlags::kAck;
inline constexpr std::uint16_t URG = TcpFlags::kUrg;

/// A segment as a test writes it. Numbers are raw sequence numbers.
/// For inject: wnd defaults to kPeerWnd. For expect_tx: wnd/mss are checked
/// only when given; flags, seq, ack and data always.
struct Seg {
  std::uint16_t flags = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::optional<std::uint32_t> wnd;
  std::string data;
  std::optional<std::uint16_t> mss;
  /// Timestamps option (RFC 7323 §3): inject sends <TSval, TSecr> (TSecr 0 if
  /// unset); expect_tx checks whichever of the two is given.
  std::optional<std::uint32_t> tsval;
  std::optional<std::uint32_t> tsecr;
  /// Urgent pointer field (inject only; give URG in flags for it to count).
  std::uint16_t up = 0;
};

inline constexpr std::uint32_t kIss = 100;        ///< our ISS in the fixtures
inline constexpr std::uint32_t kPeerIss = 300;    ///< the peer's ISS
inline constexpr std::uint32_t kPeerWnd = 10000;  ///< the peer's window
inline constexpr std::uint32_t kRcvBuf = 10000;   ///< our receive buffer (= RCV.WND)

/// The test configuration: no window scale / SACK / TS (simple expectations),
/// receive buffer kRcvBuf, fixed ISN secret.
[[nodiscard]] Config test_config();
/// test_config() with timestamps on (RFC 7323).
[[nodiscard]] Config ts_config();

/// Which state-diagram edges were taken, collected from StateChange events of
/// every harness in this process (test-side only; the engine has no globals).
class EdgeRecorder {
 public:
  void record(State from, State to) { seen_.insert({from, to}); }
  [[nodiscard]] bool seen(State from, State to) const { return seen_.contains({from, to}); }
  void clear() { seen_.clear(); }

 private:
  std::set<std::pair<State, State>> seen_;
};
EdgeRecorder& edge_recorder();

/// A TraceSink that keeps the events and a readable log line for each.
class RecordingSink : public TraceSink {
 public:
  void on_event(const TraceEvent& e) override;
  std::vector<TraceEvent> events;
  std::vector<std::string>* log = nullptr;  ///< where to append lines (may be null)
  [[nodiscard]] std::size_t count(TraceKind k) const;
  [[nodiscard]] bool saw_drop(DropReason r) const;
};

/// Registered scenarios (every named test is one), so `state_diagram_coverage`
/// can run them all in one process under ctest's one-test-per-process model.
struct Scenario {
  const char* name;
  void (*body)();
};
std::vector<Scenario>& scenarios();
bool register_scenario(const char* name, void (*body)());

#define SYNACK_SCENARIO(suite, name)                                                    \
  static void suite##_##name##_body();                                                  \
  TEST(suite, name) {                                                                   \
    suite##_##name##_body();                                                            \
  }                                                                                     \
  [[maybe_unused]] static const bool suite##_##name##_registered =                      \
      ::synack::tcp::test::register_scenario(#suite "." #name, &suite##_##name##_body); \
  static void suite##_##name##_body()

std::string describe(const TcpSegment& s);
std::string describe(const Seg& s);

class Harness {
 public:
  explicit Harness(Config cfg = test_config());
  ~Harness();
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  // ---- steps ---------------------------------------------------------------------
  void inject(const Seg& s);
  /// Polls everything the connection wants to send and compares it, in order.
  void expect_tx(std::initializer_list<Seg> expected);
  void expect_tx(const std::vector<Seg>& expected);
  void expect_no_tx();
  /// Everything the connection sends now (for tests that inspect segments).
  std::vector<TcpSegment> drain();
  /// Moves virtual time forward by `ms`, firing every timer that falls due.
  void advance(std::int64_t ms);
  void expect_state(State s);
  void note(const std::string& line);
  /// The state under test: the connection's, or while listening that of the
  /// listener's queued connection for `tuple` (SYN-RECEIVED), else the
  /// listener's own (LISTEN, CLOSED after close_listener()).
  [[nodiscard]] State state() const;
  /// Drops by reason: the connection's, the listener's and the demux's.
  [[nodiscard]] DropCounters drops() const;
  /// The listener (after listen()).
  [[nodiscard]] Listener& listener() { return demux.listener(*listener_); }
  /// CLOSE of the listener: LISTEN → CLOSED.
  void close_listener();
  /// Fails the test if a TCB invariant (tcp/sanity.hpp) is broken; run after
  /// every injected segment, timer and transmitted segment.
  void check_sanity();

  // ---- fixture ladder (ISS 100, peer ISS 300, window 10000) ------------------------
  void listen();               ///< passive OPEN: a tcp::Listener on tuple.local
  void syn_sent();             ///< SYN 100 sent
  void syn_received();         ///< passive: SYN 300 in, SYN-ACK 100/301 out
  void syn_received_active();  ///< simultaneous open: SYN out, SYN in, SYN-ACK out
  void established();          ///< active: snd.nxt 101, rcv.nxt 301
  void established_passive();  ///< via syn_received()
  /// Active open whose SYN-ACK carries MSS 1460 and SACK-permitted, with
  /// window `peer_window`; asserts SACK was negotiated (cfg.sack must be on).
  void established_sack(std::uint16_t peer_window = 10000);
  void fin_wait_1();  ///< + CLOSE: FIN 101 out (snd.nxt 102)
  void fin_wait_2();  ///< + ACK 102 in
  void close_wait();  ///< established + FIN 301 in (rcv.nxt 302)
  void last_ack();    ///< close_wait + CLOSE: FIN 101 out
  void closing();     ///< fin_wait_1 + FIN 301 in (not acking ours)
  void time_wait();   ///< fin_wait_2 + FIN 301 in
  void closed();      ///< established + ABORT

  Config cfg;
  RecordingSink sink;
  Connection conn;  ///< once a listener's handshake completes: the accepted connection
  Demux demux;
  Instant now{};
  FourTuple tuple;
  std::vector<std::string> log;
  std::vector<std::string> received;  ///< payloads the peer got (owned copies)

 private:
  struct Tx {
    TcpSegment seg;
    std::string data;
  };
  Tx poll_one(TcpSegment s);
  std::optional<TcpSegment> next_tx();  // demux replies, listener output, then the connection's
  void adopt();                         // accept() the listener's completed connection

  std::optional<std::uint32_t> listener_;  // demux listener id after listen()
  std::deque<TcpSegment> replies_;         // Delivery::reply segments not yet polled
  bool indexed_ = true;                    // `conn` is in the demux's connection index
};

}  // namespace synack::tcp::test
