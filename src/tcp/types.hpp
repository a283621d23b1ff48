// SPDX-License-Identifier: Apache-2.0
// Addresses of a connection: an endpoint (an address of either family + port)
// and the 4-tuple that identifies a TCB (RFC 9293 §3.3 "socket pair").
//
// FourTuple is what the engine's interfaces take and return; its addresses are
// IpAddr (wire/ipv6_addr.hpp), so the family is part of the value and an IPv4
// address is never silently taken for an IPv6 one. A tuple whose two ends are
// of different families names no connection (same_family() is false; the demux
// matches nothing for it). Where a tuple is kept for a connection's lifetime it
// is a StoredTuple: 16 bytes, the IPv4 addresses inline and the 32 bytes of an
// IPv6 pair out of line, so IPv4 TCBs and TIME-WAIT entries are no bigger than
// before IPv6 existed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <variant>

#include "base/bytes.hpp"
#include "wire/ipv4.hpp"
#include "wire/ipv6_addr.hpp"

namespace synack::tcp {

/// One side of a connection: address (IPv4 or IPv6) and TCP port (host order).
struct Endpoint {
  IpAddr addr;
  std::uint16_t port = 0;
  friend constexpr bool operator==(const Endpoint&, const Endpoint&) = default;
  [[nodiscard]] bool is_v6() const { return std::holds_alternative<Ipv6Addr>(addr); }
  /// The IPv4 address, or nullptr for an IPv6 endpoint.
  [[nodiscard]] const Ipv4Addr* v4() const { return std::get_if<Ipv4Addr>(&addr); }
  /// The IPv6 address, or nullptr for an IPv4 endpoint.
  [[nodiscard]] const Ipv6Addr* v6() const { return std::get_if<Ipv6Addr>(&addr); }
};

/// The socket pair naming a connection, seen from the local side.
struct FourTuple {
  Endpoint local;
  Endpoint remote;
  friend constexpr bool operator==(const FourTuple&, const FourTuple&) = default;
  /// The same pair seen from the other side.
  [[nodiscard]] FourTuple reversed() const { return {remote, local}; }
  /// Both ends are of one family (every tuple the stack builds; a mixed one
  /// names no connection).
  [[nodiscard]] bool same_family() const { return local.addr.index() == remote.addr.index(); }
  [[nodiscard]] bool is_v6() const { return local.is_v6(); }
};

/// Bytes of FourTupleBytes: the largest tuple (IPv6) is 2 × (16 + 2).
inline constexpr std::size_t kMaxTupleBytes = 36;
using TupleBytes = std::array<std::byte, kMaxTupleBytes>;

/// The tuple as hash input (RFC 6528 §3 F(), SYN cookies): local address,
/// local port, remote address, remote port, network order; 12 bytes for IPv4
/// (the layout IPv4-only synack hashed), 36 for IPv6. Returns the length used.
[[nodiscard]] inline std::size_t tuple_bytes(const FourTuple& t, std::span<std::byte> out) {
  std::size_t at = 0;
  for (const Endpoint* e : {&t.local, &t.remote}) {
    if (const auto* v6 = e->v6()) {
      v6->store(out, at);
      at += 16;
    } else {
      store_be32(out, at, e->v4()->value);
      at += 4;
    }
    store_be16(out, at, e->port);
    at += 2;
  }
  return at;
}

/// A FourTuple kept for a connection's lifetime (TCB, TIME-WAIT entry) in 16
/// bytes: ports and IPv4 addresses inline, an IPv6 address pair in one
/// allocation of its own (deep copies). Only tuples with same_family().
class StoredTuple {
 public:
  StoredTuple() = default;
  explicit StoredTuple(const FourTuple& t) { assign(t); }
  StoredTuple(const StoredTuple& o) { copy_from(o); }
  StoredTuple& operator=(const StoredTuple& o) {
    if (this != &o) {
      release();
      copy_from(o);
    }
    return *this;
  }
  StoredTuple(StoredTuple&& o) noexcept { steal(o); }
  StoredTuple& operator=(StoredTuple&& o) noexcept {
    if (this != &o) {
      release();
      steal(o);
    }
    return *this;
  }
  StoredTuple& operator=(const FourTuple& t) {
    release();
    assign(t);
    return *this;
  }
  ~StoredTuple() { release(); }

  /// The tuple as a value.
  [[nodiscard]] FourTuple get() const {
    if (v6_) return {{v6_pair_->local, local_port_}, {v6_pair_->remote, remote_port_}};
    return {{Ipv4Addr{v4_.local}, local_port_}, {Ipv4Addr{v4_.remote}, remote_port_}};
  }
  [[nodiscard]] std::uint16_t local_port() const { return local_port_; }
  [[nodiscard]] std::uint16_t remote_port() const { return remote_port_; }
  [[nodiscard]] bool is_v6() const { return v6_; }
  /// Names the same connection as `t` (no copy of the tuple is made).
  [[nodiscard]] bool matches(const FourTuple& t) const {
    if (t.local.port != local_port_ || t.remote.port != remote_port_) return false;
    if (v6_) {
      const auto* l = t.local.v6();
      const auto* r = t.remote.v6();
      return l != nullptr && r != nullptr && *l == v6_pair_->local && *r == v6_pair_->remote;
    }
    const auto* l = t.local.v4();
    const auto* r = t.remote.v4();
    return l != nullptr && r != nullptr && l->value == v4_.local && r->value == v4_.remote;
  }

 private:
  struct V6Pair {
    Ipv6Addr local, remote;
  };
  struct V4Pair {
    std::uint32_t local, remote;
  };
  void assign(const FourTuple& t) {
    local_port_ = t.local.port;
    remote_port_ = t.remote.port;
    if (const auto* l = t.local.v6()) {
      const auto* r = t.remote.v6();
      v6_pair_ = new V6Pair{*l, r != nullptr ? *r : Ipv6Addr{}};
      v6_ = true;
    } else {
      const auto* r = t.remote.v4();
      v4_ = {t.local.v4()->value, r != nullptr ? r->value : 0};
      v6_ = false;
    }
  }
  void copy_from(const StoredTuple& o) {
    local_port_ = o.local_port_;
    remote_port_ = o.remote_port_;
    v6_ = o.v6_;
    if (v6_) {
      v6_pair_ = new V6Pair(*o.v6_pair_);
    } else {
      v4_ = o.v4_;
    }
  }
  void steal(StoredTuple& o) {
    local_port_ = o.local_port_;
    remote_port_ = o.remote_port_;
    v6_ = o.v6_;
    if (v6_) {
      v6_pair_ = o.v6_pair_;
      o.v6_ = false;
      o.v4_ = {};
    } else {
      v4_ = o.v4_;
    }
  }
  void release() {
    if (v6_) delete v6_pair_;
    v6_ = false;
    v4_ = {};
  }

  union {
    V4Pair v4_{};
    V6Pair* v6_pair_;
  };
  std::uint16_t local_port_ = 0;
  std::uint16_t remote_port_ = 0;
  bool v6_ = false;
};
static_assert(sizeof(StoredTuple) == 16, "a stored 4-tuple stays 16 bytes");

}  // namespace synack::tcp

template <>
struct std::hash<synack::tcp::Endpoint> {
  std::size_t operator()(const synack::tcp::Endpoint& e) const noexcept {
    if (const auto* v4 = e.v4()) {
      return std::hash<std::uint64_t>{}((std::uint64_t{v4->value} << 16) | e.port);
    }
    std::uint64_t h = e.port;
    for (const auto b : e.v6()->bytes) h = h * 1099511628211ULL ^ b;  // FNV-1a style fold
    return std::hash<std::uint64_t>{}(h);
  }
};

template <>
struct std::hash<synack::tcp::FourTuple> {
  std::size_t operator()(const synack::tcp::FourTuple& t) const noexcept {
    const std::size_t a = std::hash<synack::tcp::Endpoint>{}(t.local);
    const std::size_t b = std::hash<synack::tcp::Endpoint>{}(t.remote);
    return a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  }
};
