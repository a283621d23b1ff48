// SPDX-License-Identifier: Apache-2.0
#include "wire/tcp_options.hpp"

#include <algorithm>
#include <cstring>

namespace synack {
namespace {

// The only length a known option may have, or 0 where it varies (SACK).
std::size_t fixed_length(std::uint8_t kind) {
  switch (static_cast<TcpOptionKind>(kind)) {
    case TcpOptionKind::kMss:
      return 4;
    case TcpOptionKind::kWindowScale:
      return 3;
    case TcpOptionKind::kSackPermitted:
      return 2;
    case TcpOptionKind::kTimestamps:
      return 10;
    default:
      return 0;
  }
}

bool length_ok(std::uint8_t kind, std::size_t len) {
  if (kind == static_cast<std::uint8_t>(TcpOptionKind::kSack)) {
    return len >= 10 && len <= 34 && (len - 2) % 8 == 0;
  }
  const std::size_t fixed = fixed_length(kind);
  return fixed == 0 || fixed == len;
}

}  // namespace

std::expected<TcpOptions, WireError> TcpOptions::parse(Bytes raw) {
  if (raw.size() > kMaxSize) return std::unexpected(WireError::kOptionPastEnd);
  std::size_t i = 0;
  // RFC 9293 MUST-4: EOL, NOP and MSS are understood (and WS, SACK-permitted, SACK, TS).
  // RFC 9293 MUST-64: options are read byte by byte, whatever their alignment.
  while (i < raw.size()) {
    const std::uint8_t kind = load_u8(raw, i);
    if (kind == 0) break;  // EOL: the rest is padding
    if (kind == 1) {
      ++i;
      continue;
    }
    if (i + 1 >= raw.size()) return std::unexpected(WireError::kOptionNoRoomForLength);
    const std::size_t len = load_u8(raw, i + 1);
    // RFC 9293 MUST-7: an illegal length makes the segment malformed: dropped and counted.
    if (len == 0) return std::unexpected(WireError::kOptionLengthZero);
    if (len == 1) return std::unexpected(WireError::kOptionLengthOne);
    if (i + len > raw.size()) return std::unexpected(WireError::kOptionPastEnd);
    if (!length_ok(kind, len)) return std::unexpected(WireError::kOptionBadLength);
    // RFC 9293 MUST-6: a kind we do not implement is skipped by its length, without error.
    i += len;
  }
  TcpOptions out;
  std::ranges::copy(raw, out.bytes_.begin());  // not memcpy: raw.data() may be null
  out.size_ = static_cast<std::uint8_t>(raw.size());
  return out;
}

bool TcpOptions::append(std::span<const std::byte> b) {
  if (size_ + b.size() > kMaxSize) {
    overflowed_ = true;
    return false;
  }
  std::memcpy(bytes_.data() + size_, b.data(), b.size());
  size_ = static_cast<std::uint8_t>(size_ + b.size());
  return true;
}

// RFC 9293 MUST-68: every option we build, except EOL and NOP, carries its length.
TcpOptions& TcpOptions::mss(std::uint16_t mss) {
  std::array<std::byte, 4> b{};
  store_u8(b, 0, 2);
  store_u8(b, 1, 4);
  store_be16(b, 2, mss);
  append(b);
  return *this;
}

TcpOptions& TcpOptions::window_scale(std::uint8_t shift) {
  std::array<std::byte, 3> b{std::byte{3}, std::byte{3}, static_cast<std::byte>(shift)};
  append(b);
  return *this;
}

TcpOptions& TcpOptions::sack_permitted() {
  std::array<std::byte, 2> b{std::byte{4}, std::byte{2}};
  append(b);
  return *this;
}

TcpOptions& TcpOptions::timestamps(std::uint32_t val, std::uint32_t ecr) {
  std::array<std::byte, 10> b{};
  store_u8(b, 0, 8);
  store_u8(b, 1, 10);
  store_be32(b, 2, val);
  store_be32(b, 6, ecr);
  append(b);
  return *this;
}

TcpOptions& TcpOptions::sack(std::span<const SackBlock> blocks) {
  std::array<std::byte, 34> b{};
  const std::size_t n = std::min<std::size_t>(blocks.size(), 4);
  if (n == 0) return *this;
  store_u8(b, 0, 5);
  store_u8(b, 1, static_cast<std::uint8_t>(2 + 8 * n));
  for (std::size_t k = 0; k < n; ++k) {
    store_be32(b, 2 + 8 * k, blocks[k].left.raw());
    store_be32(b, 6 + 8 * k, blocks[k].right.raw());
  }
  append(std::span(b).first(2 + 8 * n));
  return *this;
}

TcpOptions& TcpOptions::nop() {
  const std::byte b{1};
  append(std::span(&b, 1));
  return *this;
}

TcpOptions& TcpOptions::eol() {
  const std::byte b{0};
  append(std::span(&b, 1));
  return *this;
}

TcpOptions& TcpOptions::raw(std::uint8_t kind, Bytes data) {
  std::array<std::byte, kMaxSize> b{};
  if (data.size() + 2 > kMaxSize) {
    overflowed_ = true;
    return *this;
  }
  store_u8(b, 0, kind);
  store_u8(b, 1, static_cast<std::uint8_t>(data.size() + 2));
  std::ranges::copy(data, b.begin() + 2);  // not memcpy: data.data() may be null
  append(std::span(b).first(data.size() + 2));
  return *this;
}

TcpOptionSummary TcpOptions::summarize() const {
  TcpOptionSummary s;
  for_each([&s](const TcpOptionItem& o) {
    // Built options may carry a known kind with a wrong length (raw()): skip those.
    if (!length_ok(o.kind, o.data.size() + 2)) return;
    switch (static_cast<TcpOptionKind>(o.kind)) {
      case TcpOptionKind::kMss:
        s.mss = load_be16(o.data, 0);
        break;
      case TcpOptionKind::kWindowScale:
        s.window_scale = load_u8(o.data, 0);
        break;
      case TcpOptionKind::kSackPermitted:
        s.sack_permitted = true;
        break;
      case TcpOptionKind::kTimestamps:
        s.timestamps = TcpTimestamps{load_be32(o.data, 0), load_be32(o.data, 4)};
        break;
      case TcpOptionKind::kSack:
        s.sack_count = static_cast<std::uint8_t>(o.data.size() / 8);
        for (std::size_t k = 0; k < s.sack_count; ++k) {
          s.sack[k] = {SeqNum(load_be32(o.data, 8 * k)), SeqNum(load_be32(o.data, 8 * k + 4))};
        }
        break;
      default:
        break;
    }
  });
  return s;
}

bool operator==(const TcpOptions& a, const TcpOptions& b) {
  return a.size_ == b.size_ && std::memcmp(a.bytes_.data(), b.bytes_.data(), a.size_) == 0;
}

}  // namespace synack
