// SPDX-License-Identifier: Apache-2.0
// A scripted server for scenarios that need exact control of when it closes:
// listens, accepts, reads everything, and closes either inside the readiness
// handler that saw EOF (so its ACK of the peer's FIN and its own FIN leave in
// one segment: the three-way close) or at a fixed instant (simultaneous close).
#pragma once

#include <optional>

#include "sim/apps.hpp"
#include "sim/host.hpp"

namespace synack::scenarios {

struct PeerOptions {
  std::uint16_t port = 80;
  int backlog = 16;
  bool close_on_eof_at_once = false;  ///< close() in the handler that read EOF
  std::optional<Instant> close_at{};  ///< close() the accepted connection then
};

class ScriptedServer {
 public:
  ScriptedServer(sim::Host& host, PeerOptions o) : host_(host), opt_(o) {}
  /// listen() now (virtual time of the call).
  void start();
  [[nodiscard]] std::size_t accepted() const { return accepted_; }
  [[nodiscard]] const sim::StreamStats& received() const { return received_; }
  [[nodiscard]] bool eof() const { return eof_; }

 private:
  void on_conn(std::uint32_t mask);
  void close_conn();

  sim::Host& host_;
  PeerOptions opt_;
  Fd listener_ = -1;
  Fd conn_ = -1;
  std::size_t accepted_ = 0;
  sim::StreamStats received_;
  bool eof_ = false;
  bool closed_ = false;
};

}  // namespace synack::scenarios
