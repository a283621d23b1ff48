// SPDX-License-Identifier: Apache-2.0
// Internal records of Stack (not part of the public API): shared by the
// stack's .cc files only.
#pragma once

#include <memory>
#include <optional>

#include "stack/stack.hpp"

namespace synack {

/// The demux tables' keyed hash from the stack secret (first 8 bytes k0, last 8 k1).
tcp::TupleHash tuple_hash(const SipKey& k);

/// Out-of-order segments `c` dropped for the reassembler's interval bound
/// (tcp::ReassemblyConfig::max_intervals).
inline std::uint64_t ooo_interval_limit_segments(const tcp::Connection& c) {
  return c.receiver().buffer().reassembler().counters().interval_limit_segments;
}

/// A TCB owned by the stack: established, closing, or connecting.
struct Stack::ConnSlot {
  std::unique_ptr<tcp::Connection> conn;
  Fd fd = -1;          ///< -1: orphaned (the application closed; it finishes alone)
  bool dirty = false;  ///< on dirty_ (may have output)
  tcp::State last_state = tcp::State::kClosed;
};

/// What a descriptor refers to.
struct Stack::SocketEntry {
  enum class Kind : std::uint8_t { kFresh, kListener, kConnection, kDead };
  Kind kind = Kind::kFresh;
  std::optional<tcp::Endpoint> local;  ///< after bind()
  std::uint32_t index = 0;             ///< conns_ slot or demux listener id
  /// The stack's tcp::Config, shared; copied for this socket on the first
  /// option set (SO_RCVBUF, SO_KEEPALIVE, TCP_KEEPIDLE, TCP_USER_TIMEOUT ...).
  tcp::SharedConfig cfg;
  bool reuse_addr = false;
  int linger = -1;  ///< SO_LINGER seconds, -1 = off
  bool no_delay = false;
  bool shut_rd = false;
  bool shut_wr = false;
  bool explicit_bind = false;              ///< local port taken by bind() (counted in bound_ports_)
  bool connect_reported = false;           ///< connect() already returned EINPROGRESS
  std::optional<std::errc> pending_error;  ///< for SO_ERROR
};

}  // namespace synack
