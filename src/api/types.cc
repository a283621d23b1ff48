// SPDX-License-Identifier: Apache-2.0
// The public value types' functions (include/synack/types.hpp).
#include "synack/types.hpp"

#include "api/impl.hpp"
#include "tcp/state.hpp"
#include "wire/ipv4.hpp"

namespace synack::api {

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view text) {
  auto a = Ipv4Addr::parse(text);
  if (!a) return std::nullopt;
  return Ipv4Address{a->value};
}

std::string Ipv4Address::to_string() const {
  return Ipv4Addr{value}.to_string();
}

std::string_view to_string(State s) {
  return tcp::to_string(detail::to_internal(s));
}

}  // namespace synack::api
