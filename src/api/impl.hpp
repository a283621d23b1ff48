// SPDX-License-Identifier: Apache-2.0
// The public facade's private side (not installed): synack::api::Stack's
// implementation object and the conversions between the public value types
// (include/synack/types.hpp) and the engine's internal ones.
#pragma once

#include <memory>

#include "stack/stack.hpp"
#include "synack/stack.hpp"

namespace synack::api::detail {

/// Either owns its engine stack (api::Stack made by the embedder) or borrows
/// one (the stack inside a TunStack, which owns it).
struct StackImpl {
  std::unique_ptr<synack::Stack> owned;
  synack::Stack* stack = nullptr;

  /// A public Stack over a stack owned elsewhere (it must outlive the result).
  static api::Stack borrow(synack::Stack& s);
};

/// The engine configuration a public Config asks for. Without a secret, both
/// keys come from getrandom (RFC 6528 §3: the ISN key must be secret).
[[nodiscard]] StackConfig to_internal(const Config& c);

[[nodiscard]] constexpr synack::Instant to_internal(Instant t) {
  if (t == kNever) return synack::kNever;
  return synack::Instant(synack::nanoseconds(t.time_since_epoch().count()));
}
[[nodiscard]] constexpr Instant to_public(synack::Instant t) {
  if (t == synack::kNever) return kNever;
  return Instant(Duration(t.time_since_epoch().count()));
}
[[nodiscard]] constexpr tcp::Endpoint to_internal(Endpoint e) {
  return {Ipv4Addr{e.address.value}, e.port};
}
[[nodiscard]] constexpr Endpoint to_public(tcp::Endpoint e) {
  return {Ipv4Address{std::get<Ipv4Addr>(e.addr).value}, e.port};  // the public API is IPv4
}
[[nodiscard]] constexpr State to_public(tcp::State s) {
  return static_cast<State>(s);
}
[[nodiscard]] constexpr tcp::State to_internal(State s) {
  return static_cast<tcp::State>(s);
}

}  // namespace synack::api::detail
