// SPDX-License-Identifier: Apache-2.0
// Big-endian (network order) loads and stores over byte spans.
//
// Wire code never casts packed structs over packet memory (docs/architecture.md); it
// reads fields through these helpers at offsets the caller has already checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace synack {

using Bytes = std::span<const std::byte>;
using MutableBytes = std::span<std::byte>;

[[nodiscard]] constexpr std::uint8_t load_u8(Bytes b, std::size_t at) {
  return static_cast<std::uint8_t>(b[at]);
}
[[nodiscard]] constexpr std::uint16_t load_be16(Bytes b, std::size_t at) {
  return static_cast<std::uint16_t>((load_u8(b, at) << 8) | load_u8(b, at + 1));
}
[[nodiscard]] constexpr std::uint32_t load_be32(Bytes b, std::size_t at) {
  return (std::uint32_t{load_be16(b, at)} << 16) | load_be16(b, at + 2);
}
constexpr void store_u8(MutableBytes b, std::size_t at, std::uint8_t v) {
  b[at] = static_cast<std::byte>(v);
}
constexpr void store_be16(MutableBytes b, std::size_t at, std::uint16_t v) {
  store_u8(b, at, static_cast<std::uint8_t>(v >> 8));
  store_u8(b, at + 1, static_cast<std::uint8_t>(v));
}
constexpr void store_be32(MutableBytes b, std::size_t at, std::uint32_t v) {
  store_be16(b, at, static_cast<std::uint16_t>(v >> 16));
  store_be16(b, at + 2, static_cast<std::uint16_t>(v));
}

/// View a string's characters as bytes (tests, tools).
[[nodiscard]] inline Bytes as_bytes(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

}  // namespace synack
