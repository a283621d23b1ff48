// SPDX-License-Identifier: Apache-2.0
// TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018): kept as the raw option bytes
// in wire order, so any layout — NOP/EOL placement included — round-trips
// byte-exactly (the conformance runner compares layouts). Parsed values are
// read out with summarize() or by iterating.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>

#include "base/bytes.hpp"
#include "base/seq.hpp"
#include "wire/error.hpp"

namespace synack {

enum class TcpOptionKind : std::uint8_t {
  kEol = 0,            ///< end of option list (RFC 9293)
  kNop = 1,            ///< no-operation (RFC 9293)
  kMss = 2,            ///< maximum segment size, 4 bytes (RFC 9293 §3.7.1)
  kWindowScale = 3,    ///< shift count, 3 bytes (RFC 7323 §2)
  kSackPermitted = 4,  ///< 2 bytes (RFC 2018)
  kSack = 5,           ///< 2 + 8·n bytes, n = 1..4 (RFC 2018)
  kTimestamps = 8,     ///< TSval, TSecr, 10 bytes (RFC 7323 §3)
};

/// One SACK block: the bytes [left, right) are held by the receiver (RFC 2018 §3).
struct SackBlock {
  SeqNum left;
  SeqNum right;
  friend constexpr bool operator==(SackBlock, SackBlock) = default;
};

/// RFC 7323 timestamps option values.
struct TcpTimestamps {
  std::uint32_t val = 0;  ///< TSval: sender's clock
  std::uint32_t ecr = 0;  ///< TSecr: echoed TSval of the peer
  friend constexpr bool operator==(TcpTimestamps, TcpTimestamps) = default;
};

/// What a segment's options say, collected in one pass. A kind that appears
/// twice reports its last occurrence.
struct TcpOptionSummary {
  std::optional<std::uint16_t> mss;
  std::optional<std::uint8_t> window_scale;  ///< as sent; values > 14 are not clamped here
  bool sack_permitted = false;
  std::optional<TcpTimestamps> timestamps;
  std::uint8_t sack_count = 0;  ///< 0..4 blocks in `sack`
  std::array<SackBlock, 4> sack{};
};

/// One option as found while iterating: its kind and the bytes after the length
/// byte (empty for EOL and NOP).
struct TcpOptionItem {
  std::uint8_t kind;
  Bytes data;
};

/// The option bytes of one TCP header: at most 40, in wire order.
class TcpOptions {
 public:
  static constexpr std::size_t kMaxSize = 40;

  /// Validates raw option bytes (RFC 9293 §3.1 "Options"). Errors:
  /// kOptionLengthZero, kOptionLengthOne, kOptionPastEnd, kOptionNoRoomForLength,
  /// kOptionBadLength (MSS ≠ 4, WS ≠ 3, SACK-permitted ≠ 2, TS ≠ 10, SACK not 2+8n
  /// with n in 1..4). Unknown kinds are skipped by their length. Bytes after EOL
  /// are kept (for round trips) but not interpreted.
  static std::expected<TcpOptions, WireError> parse(Bytes raw);

  // Builders: each appends one option in the order called. An option that would
  // not fit in 40 bytes is not added and sets overflowed().
  TcpOptions& mss(std::uint16_t mss);
  TcpOptions& window_scale(std::uint8_t shift);
  TcpOptions& sack_permitted();
  TcpOptions& timestamps(std::uint32_t val, std::uint32_t ecr);
  TcpOptions& sack(std::span<const SackBlock> blocks);  ///< 1..4 blocks
  TcpOptions& nop();
  TcpOptions& eol();
  /// Any option, e.g. an unknown kind for tests: kind, length byte = 2 + data size.
  TcpOptions& raw(std::uint8_t kind, Bytes data);

  /// The option bytes as they go on the wire (not padded).
  [[nodiscard]] Bytes bytes() const { return Bytes(bytes_.data(), size_); }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  /// Size padded to a multiple of 4 with EOL (zero) bytes, as emitted.
  [[nodiscard]] std::size_t padded_size() const { return (size_ + 3) & ~std::size_t{3}; }
  [[nodiscard]] bool overflowed() const { return overflowed_; }
  /// One pass over the options. Must only be called on validated or built options.
  [[nodiscard]] TcpOptionSummary summarize() const;

  /// Calls f(TcpOptionItem) for each option in order, stopping after EOL.
  /// Never reads past size(): on bytes that do not parse (only possible for
  /// options built with raw(0|1, ...)) it stops at the first bad option.
  template <typename F>
  void for_each(F&& f) const {
    std::size_t i = 0;
    while (i < size_) {
      const auto kind = std::to_integer<std::uint8_t>(bytes_[i]);
      if (kind == 0 || kind == 1) {
        f(TcpOptionItem{kind, {}});
        if (kind == 0) return;
        ++i;
        continue;
      }
      if (i + 1 >= size_) return;
      const std::size_t len = std::to_integer<std::uint8_t>(bytes_[i + 1]);
      if (len < 2 || i + len > size_) return;
      f(TcpOptionItem{kind, Bytes(bytes_.data() + i + 2, len - 2)});
      i += len;
    }
  }

  friend bool operator==(const TcpOptions& a, const TcpOptions& b);

 private:
  bool append(std::span<const std::byte> b);
  std::array<std::byte, kMaxSize> bytes_{};
  std::uint8_t size_ = 0;
  bool overflowed_ = false;
};

}  // namespace synack
