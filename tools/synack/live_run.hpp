// SPDX-License-Identifier: Apache-2.0
// Records real connections (TUN) as viz::Runs: every packet that crosses the
// device and every engine trace event of our stack, grouped by connection.
// The kernel's side has no trace events, so its states are inferred from the
// segments it sends and receives (RFC 9293 §3.3.2 as seen on the wire) and
// labelled "inferred".
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tcp/trace.hpp"
#include "tun/device.hpp"
#include "viz/collapse.hpp"
#include "viz/run.hpp"
#include "viz/wire_states.hpp"
#include "wire/tcp.hpp"

namespace synack::cli {

class LiveRecorder : public tcp::TraceSink {
 public:
  /// `peer_name`: the column title of the other side ("linux"). Events are
  /// only kept once a diagram is wanted (add_on_finished), and then collapsed
  /// as viz/collapse.hpp describes: the opening, every state change, SYN, FIN
  /// and RST with the segments around it, and a summary row for each stretch
  /// of a long transfer in between, so memory stays bounded however long a
  /// connection runs and its close is always drawn.
  explicit LiveRecorder(std::string peer_name) : peer_name_(std::move(peer_name)) {}

  /// A packet crossed the device (kFromKernel: the peer sent it to us).
  void on_packet(PacketDirection dir, Bytes packet, Instant now);
  void on_event(const tcp::TraceEvent& e) override;
  /// Connections that reached CLOSED or TIME-WAIT on our side so far.
  [[nodiscard]] std::uint64_t finished_count() const { return finished_count_; }
  /// Called with each connection's Run when it reaches CLOSED or TIME-WAIT on
  /// our side and the peer's last segment has been seen.
  void add_on_finished(std::function<void(const viz::Run&)> f) {
    on_finished_.push_back(std::move(f));
  }
  /// Hands out the Runs of connections that finished since the last call
  /// (call after the packets of a wake-up have been recorded, so the last
  /// ACK is in the picture).
  void emit_finished();
  /// Runs of every connection seen so far (finished or not).
  [[nodiscard]] std::vector<viz::Run> runs() const;
  /// A live one-line description of a packet, for --trace.
  [[nodiscard]] static std::string describe(PacketDirection dir, const TcpSegment& seg);

 private:
  struct Key {
    std::uint32_t peer_addr;
    std::uint16_t peer_port;
    std::uint16_t our_port;
    auto operator<=>(const Key&) const = default;
  };
  struct Conn {
    Ipv4Addr peer_addr, our_addr;
    std::uint16_t peer_port = 0, our_port = 0;
    viz::EventCollapser events;                           // in the order they happened, collapsed
    viz::WireStates peer_states{0, tcp::State::kClosed};  // the kernel's, inferred
    std::optional<Instant> first_time;
    std::optional<std::uint32_t> peer_isn, our_isn;
    bool any_state = false;
    tcp::State first_state = tcp::State::kListen;
    bool finished = false;
  };
  viz::Run build(const Conn& c) const;

  void keep(Conn& c, viz::Event e);
  [[nodiscard]] bool drawing() const { return !on_finished_.empty(); }
  static constexpr std::size_t kMaxConnections = 4096;  // tracked at once (drawing only)

  std::string peer_name_;
  std::uint64_t finished_count_ = 0;
  std::map<Key, Conn> conns_;
  std::vector<Key> finished_keys_;  // finished, Run not handed out yet
  std::vector<std::function<void(const viz::Run&)>> on_finished_;
};

}  // namespace synack::cli
