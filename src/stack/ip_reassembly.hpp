// IPv4 fragment reassembly (RFC 791 §3.2, RFC 815) with strict bounds.
//
// Fragments are rare for TCP (we send with DF and clamp the MSS), so this path
// favours safety over speed: every datagram under reassembly is bounded in
// bytes, in fragments and in time, the table is bounded in datagrams and total
// bytes, and anything past a bound is dropped and counted. Overlapping
// fragments drop the whole datagram (as Linux does since 2018; RFC 5722 makes
// the same choice for IPv6) — an overlap is either a bug or an attack.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/time.hpp"
#include "wire/ipv4.hpp"

namespace synack {

struct ReassemblyConfig {
  std::size_t max_datagrams = 64;            ///< datagrams under reassembly at once
  std::size_t max_fragments = 64;            ///< fragments per datagram
  std::size_t max_total_bytes = 256 * 1024;  ///< payload bytes held across all datagrams
  Duration timeout = seconds(30);            ///< Linux net.ipv4.ipfrag_time (RFC 791: 15 s minimum)
};

/// Why fragments were dropped; counters indexed by this.
enum class ReassemblyDrop : std::uint8_t {
  kTooManyDatagrams,
  kTooManyFragments,
  kTooManyBytes,
  kOverlap,
  kTooLong,    ///< offset + length beyond 65535
  kBadLength,  ///< a non-final fragment whose length is not a multiple of 8
  kTimeout,
  kCount_,
};

class IpReassembler {
 public:
  explicit IpReassembler(ReassemblyConfig config = {}) : config_(config) {}

  /// Offers one fragment (a validated view with is_fragment()). Returns the
  /// whole datagram (header + payload, MF clear, offset 0, checksum valid) when
  /// this fragment completes it; nullopt otherwise (held or dropped).
  std::optional<std::vector<std::byte>> add(const Ipv4View& fragment, Instant now);
  /// Drops datagrams older than the timeout (counted as kTimeout).
  void expire(Instant now);
  /// Earliest time expire() has work, kNever if none.
  [[nodiscard]] Instant next_deadline() const;

  [[nodiscard]] std::size_t datagrams() const { return pending_.size(); }
  [[nodiscard]] std::size_t bytes_held() const { return bytes_held_; }
  [[nodiscard]] std::uint64_t drops(ReassemblyDrop why) const {
    return drops_[static_cast<std::size_t>(why)];
  }

 private:
  struct Piece {
    std::uint32_t offset;  // bytes
    std::vector<std::byte> data;
  };
  struct Pending {
    Ipv4Addr src, dst;
    std::uint8_t protocol;
    std::uint16_t id;
    Instant first_seen;
    std::optional<std::uint32_t> total;  // known once the last fragment arrived
    std::vector<std::byte> header;       // from the offset-0 fragment
    std::vector<Piece> pieces;
    std::size_t bytes = 0;
  };

  Pending* find_or_create(const Ipv4View& f, Instant now);
  void discard(std::size_t index, ReassemblyDrop why);
  std::optional<std::vector<std::byte>> try_complete(std::size_t index);

  ReassemblyConfig config_;
  std::vector<Pending> pending_;
  std::size_t bytes_held_ = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(ReassemblyDrop::kCount_)> drops_{};
};

}  // namespace synack
