// SPDX-License-Identifier: Apache-2.0
// Addresses of a connection: an endpoint (IPv4 address + port) and the
// 4-tuple that identifies a TCB (RFC 9293 §3.3 "socket pair").
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "wire/ipv4.hpp"

namespace synack::tcp {

/// One side of a connection: IPv4 address and TCP port (host order).
struct Endpoint {
  Ipv4Addr addr;
  std::uint16_t port = 0;
  friend constexpr bool operator==(const Endpoint&, const Endpoint&) = default;
};

/// The socket pair naming a connection, seen from the local side.
struct FourTuple {
  Endpoint local;
  Endpoint remote;
  friend constexpr bool operator==(const FourTuple&, const FourTuple&) = default;
  /// The same pair seen from the other side.
  [[nodiscard]] constexpr FourTuple reversed() const { return {remote, local}; }
};

}  // namespace synack::tcp

template <>
struct std::hash<synack::tcp::Endpoint> {
  std::size_t operator()(const synack::tcp::Endpoint& e) const noexcept {
    return std::hash<std::uint64_t>{}((std::uint64_t{e.addr.value} << 16) | e.port);
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
