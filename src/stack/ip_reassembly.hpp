// SPDX-License-Identifier: Apache-2.0
// IPv4 fragment reassembly (RFC 791 §3.2, RFC 815) with strict bounds.
//
// Fragments are rare for TCP (we send with DF and clamp the MSS), so this path
// favours safety over speed: every datagram under reassembly is bounded in
// bytes, in fragments and in time, the table is bounded in datagrams and total
// bytes, and everything past a bound is counted.
//
//  * A fragment lying entirely inside one already held is a duplicate (a
//    retransmission or a duplicating link): it alone is ignored and the
//    datagram kept (Linux inet_frag_queue_insert IPFRAG_DUP; RFC 8200 §4.5 lets
//    receivers ignore exact duplicates).
//  * Any other overlap drops the whole datagram (Linux since 2018; RFC 5722 §4
//    for IPv6): an overlap is either a bug or an attack.
//  * When a new fragment would take the table past `max_datagrams` or
//    `max_total_bytes` (the high threshold), the oldest datagrams are evicted
//    until the table is back under `evict_to_percent` of both (the low
//    threshold; Linux ipfrag_high_thresh / ipfrag_low_thresh, 4 MiB / 3 MiB,
//    before 4.17). A flood of incomplete fragments thus ages out in arrival
//    order instead of locking real datagrams out until the timeout.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/time.hpp"
#include "wire/ipv4.hpp"

namespace synack {

struct ReassemblyConfig {
  std::size_t max_datagrams = 64;  ///< datagrams under reassembly at once (high threshold)
  std::size_t max_fragments = 64;  ///< fragments per datagram (Linux ipfrag_max_dist-like)
  std::size_t max_total_bytes = 256 * 1024;  ///< payload bytes held across all datagrams (high)
  Duration timeout = seconds(30);            ///< Linux net.ipv4.ipfrag_time (RFC 791: 15 s minimum)
  /// Eviction goes down to this percentage of max_datagrams and max_total_bytes
  /// (Linux ipfrag_low_thresh / ipfrag_high_thresh = 3/4). Range 0..100; 100
  /// evicts only what the new fragment needs.
  std::uint8_t evict_to_percent = 75;
};

/// Why fragments were dropped; counters indexed by this.
enum class ReassemblyDrop : std::uint8_t {
  kTooManyDatagrams,  ///< (unused since eviction; kept so counter indices stay stable)
  kTooManyFragments,  ///< the datagram had max_fragments already: all of it dropped
  kTooManyBytes,      ///< one datagram alone would exceed max_total_bytes
  kOverlap,           ///< RFC 5722: an overlapping (not duplicate) fragment dropped the datagram
  kDuplicate,         ///< a fragment inside one already held: only it was ignored
  kEvicted,           ///< a whole datagram evicted to make room (table over the high threshold)
  kTooLong,           ///< offset + length beyond 65535
  kBadLength,         ///< a non-final fragment whose length is not a multiple of 8
  kTimeout,
  kCount_,
};

[[nodiscard]] std::string_view to_string(ReassemblyDrop d);

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

  Pending* find_or_create(const Ipv4View& f, std::size_t bytes, Instant now);
  /// Over the high threshold, evicts the oldest datagrams except the one at
  /// `*keep` (updated as the table shifts) until `bytes` more (and a new
  /// datagram if `new_datagram`) fit under the low threshold; false if they
  /// cannot fit under the high one at all.
  bool make_room(std::size_t bytes, bool new_datagram, std::size_t* keep);
  void discard(std::size_t index, ReassemblyDrop why);
  std::optional<std::vector<std::byte>> try_complete(std::size_t index);

  ReassemblyConfig config_;
  std::vector<Pending> pending_;
  std::size_t bytes_held_ = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(ReassemblyDrop::kCount_)> drops_{};
};

}  // namespace synack
