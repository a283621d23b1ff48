// SPDX-License-Identifier: Apache-2.0
// A recorded run of the stack: the data model every diagram is drawn from.
//
// This is the contract between producers (the simulator, the TUN loop, the
// conformance runner) and the renderers of the viz layer. A `Run` is plain
// data: who talked (endpoints), and a time-ordered list of what happened
// (segments on the wire, state changes with the RFC rule that caused them,
// notes such as timers and user calls). It is saved as versioned JSON
// (run_json.hpp) so a run can be re-drawn later with `synack draw`.
//
// Producers should use `RunBuilder` rather than filling the structs by hand.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/time.hpp"
#include "tcp/state.hpp"
#include "tcp/trace.hpp"
#include "wire/tcp.hpp"

namespace synack::viz {

/// Index of an endpoint in `Run::endpoints` (0-based).
using EndpointId = std::size_t;

/// One side of the conversation, e.g. "client" 10.0.0.1:40000.
struct Endpoint {
  std::string name;  ///< short column title: "client", "server", "attacker" ...
  std::string addr;  ///< IPv4 address as text, "10.0.0.1" (may be empty)
  std::uint16_t port = 0;
  /// The ISN this endpoint chose (RFC 9293 §3.4), for relative sequence
  /// numbers. Unknown: the analysis takes the first SYN (or first segment) it sends.
  std::optional<std::uint32_t> isn;
  /// State before the first StateEvent (e.g. CLOSED, LISTEN). Unknown: the
  /// `from` of its first StateEvent.
  std::optional<tcp::State> initial_state;

  /// "10.0.0.1:40000" (or just the name's address part if addr is empty).
  [[nodiscard]] std::string address() const;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

/// The parsed option values of a segment (a subset of wire TcpOptionSummary,
/// as plain values). Sequence numbers in `sack` are raw (absolute) u32.
struct OptionValues {
  std::optional<std::uint16_t> mss;          ///< bytes (RFC 9293 §3.7.1)
  std::optional<std::uint8_t> window_scale;  ///< shift count as sent (RFC 7323 §2)
  bool sack_permitted = false;               ///< RFC 2018
  std::optional<TcpTimestamps> timestamps;   ///< TSval/TSecr (RFC 7323 §3)
  std::vector<SackBlock> sack;               ///< 0..4 blocks [left, right) (RFC 2018 §3)

  [[nodiscard]] bool empty() const {
    return !mss && !window_scale && !sack_permitted && !timestamps && sack.empty();
  }
  friend bool operator==(const OptionValues&, const OptionValues&) = default;
};

/// The header fields of one segment, as values (RFC 9293 §3.1).
struct TcpFields {
  TcpFlags flags;
  std::uint32_t seq = 0;     ///< raw SEG.SEQ
  std::uint32_t ack = 0;     ///< raw SEG.ACK (meaningful only with ACK)
  std::uint32_t len = 0;     ///< payload bytes (SYN/FIN not counted)
  std::uint16_t window = 0;  ///< raw window field (unscaled)
  OptionValues options;      ///< parsed options
  std::string options_text;  ///< tcpdump-style text, e.g. "mss 1460,nop,wscale 7" (may be empty)

  /// SEG.LEN of RFC 9293 §3.4: len plus one each for SYN and FIN.
  [[nodiscard]] std::uint32_t seg_len() const {
    return len + (flags.syn() ? 1u : 0u) + (flags.fin() ? 1u : 0u);
  }
  friend bool operator==(const TcpFields&, const TcpFields&) = default;
};

/// What the link did with a segment.
enum class Fate : std::uint8_t {
  kDelivered,   ///< arrived intact at `arrived`
  kDropped,     ///< lost on the link (see `reason`); never arrived
  kCorrupted,   ///< arrived at `arrived` with a bad checksum; the receiver drops it
  kDuplicated,  ///< an extra copy made by the link (the original is its own event)
};

/// One segment on the wire. Its event time is the send time.
struct PacketEvent {
  Instant sent;                    ///< when `from` transmitted it
  std::optional<Instant> arrived;  ///< when it reached `to` (absent if dropped)
  EndpointId from = 0;
  EndpointId to = 1;
  TcpFields tcp;
  Fate fate = Fate::kDelivered;
  std::string reason;   ///< why dropped/corrupted: "scripted drop", "random loss" ...
  std::string raw_hex;  ///< the IPv4 datagram as lowercase hex (optional, for pcap re-export)

  friend bool operator==(const PacketEvent&, const PacketEvent&) = default;
};

/// An endpoint moved from one state to another (RFC 9293 §3.3.2).
struct StateEvent {
  Instant time;
  EndpointId endpoint = 0;
  tcp::State from = tcp::State::kClosed;
  tcp::State to = tcp::State::kClosed;
  std::string cause;  ///< "rcv SYN,ACK", "user: close()", "timeout: 2MSL" ...
  std::string rfc;    ///< "RFC 9293 §3.10.7.3" (may be empty)

  friend bool operator==(const StateEvent&, const StateEvent&) = default;
};

/// Anything else worth showing: user calls, timers, RSTs and why, drops.
struct NoteEvent {
  Instant time;
  std::optional<EndpointId> endpoint;  ///< none: a note about the whole run/network
  std::string text;                    ///< "timer: RTO 1s", "challenge ACK (RFC 5961 §4)"

  friend bool operator==(const NoteEvent&, const NoteEvent&) = default;
};

using Event = std::variant<PacketEvent, StateEvent, NoteEvent>;

/// The time an event happened (a packet's send time).
[[nodiscard]] Instant event_time(const Event& e);

/// A whole recorded run. Events are ordered by time (stable: events at the
/// same instant keep the order in which they happened).
struct Run {
  std::string title;                ///< "Lost third ACK"
  std::string scenario;             ///< machine name: "lost-third-ack"
  std::uint64_t seed = 0;           ///< simulator seed (0 if not randomised)
  std::string description;          ///< one paragraph, may be empty
  std::string generator;            ///< producer and version, e.g. "synack 0.1.0 sim"
  std::vector<Endpoint> endpoints;  ///< two or more
  std::vector<Event> events;

  /// Number of PacketEvents.
  [[nodiscard]] std::size_t packet_count() const;
  /// The state an endpoint starts in (initial_state, else first StateEvent's from).
  [[nodiscard]] std::optional<tcp::State> initial_state(EndpointId e) const;
  friend bool operator==(const Run&, const Run&) = default;
};

/// The values of a wire segment as the viz layer keeps them (options parsed
/// into OptionValues and formatted into options_text).
[[nodiscard]] TcpFields fields_from_segment(const TcpSegment& seg);

/// tcpdump-style text of option values: "mss 1460,sackOK,TS val 1 ecr 0,wscale 7".
[[nodiscard]] std::string format_options(const OptionValues& o);

/// Builds a Run step by step; events may be added in any time order and are
/// stably sorted by time in `build()`.
///
///   RunBuilder b{"Three-way handshake", "handshake"};
///   auto c = b.endpoint("client", "10.0.0.1", 40000, 100, tcp::State::kClosed);
///   auto s = b.endpoint("server", "10.0.0.2", 80, 300, tcp::State::kListen);
///   b.state(0ms, c, kClosed, kSynSent, "user: connect()", "RFC 9293 §3.10.1");
///   b.send(0ms, c, s, {.flags = {TcpFlags::kSyn}, .seq = 100}, 25ms);
class RunBuilder {
 public:
  RunBuilder(std::string title, std::string scenario);

  RunBuilder& seed(std::uint64_t s);
  RunBuilder& description(std::string d);
  RunBuilder& generator(std::string g);

  /// Adds an endpoint and returns its id (0, 1, ...).
  EndpointId endpoint(std::string name, std::string addr, std::uint16_t port,
                      std::optional<std::uint32_t> isn = std::nullopt,
                      std::optional<tcp::State> initial_state = std::nullopt);

  /// A segment sent at `sent` and delivered at `arrived` (≥ sent).
  PacketEvent& send(Instant sent, EndpointId from, EndpointId to, TcpFields f, Instant arrived);
  /// A segment sent at `sent` and lost on the link for `reason`.
  PacketEvent& drop(Instant sent, EndpointId from, EndpointId to, TcpFields f,
                    std::string reason = "scripted drop");
  /// Any packet event, as given.
  PacketEvent& packet(PacketEvent p);
  /// A state change at `time`.
  RunBuilder& state(Instant time, EndpointId e, tcp::State from, tcp::State to, std::string cause,
                    std::string rfc = {});
  /// A note at `time` (endpoint nullopt: about the network).
  RunBuilder& note(Instant time, std::optional<EndpointId> e, std::string text);
  /// An engine trace event of endpoint `e`: a StateEvent for kStateChange,
  /// otherwise a NoteEvent ("RST sent: <cause> (<rfc>)", "drop (<reason>):
  /// <cause>", "challenge ACK: ...", "retransmit: ...", "timer: ...", "user: ...").
  RunBuilder& trace(EndpointId e, const tcp::TraceEvent& t);

  /// The finished run, events stably sorted by time.
  [[nodiscard]] Run build() const;

 private:
  Run run_;
};

/// Convenience for builders and tests: an Instant `d` after the epoch.
[[nodiscard]] constexpr Instant at(Duration d) {
  return Instant{d};
}

}  // namespace synack::viz
