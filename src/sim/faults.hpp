// SPDX-License-Identifier: Apache-2.0
// Scripted faults: exact, repeatable interventions on one link, applied before
// the random impairments — "drop the 3rd segment", "drop the first SYN-ACK",
// "delay segment 2 by 500 ms", "deliver an old copy of segment 1 again at 3 s".
// They make the textbook cases (lost SYN-ACK, old duplicate, retransmission)
// happen on demand, for teaching and for tests.
//
// The fault language (CLI `--fault`, comma-separated list):
//
//   fault    := action ':' selector [':' arg]
//   action   := "drop" | "delay" | "dup-at"
//   selector := N                  the N-th TCP segment on the link (1-based)
//             | FLAGS [':' N]      the N-th segment (default 1st) whose flags
//                                  byte is exactly FLAGS
//   FLAGS    := letters of S F R P U E W, plus '.' or 'A' for ACK, or '-' for
//               none (packetdrill spelling: "S" SYN, "S." or "SA" SYN-ACK,
//               "F." FIN-ACK, "R" RST, "." a bare ACK, "P." data with PSH)
//   arg      := DURATION  (delay: extra delay; dup-at: absolute virtual time)
//   DURATION := integer followed by ns | us | ms | s   (e.g. 500ms, 3s)
//
//   drop:3   drop:SA   drop:S.:2   delay:2:500ms   delay:F.:1:200ms   dup-at:1:3s
//
// Segments are counted per link over packets that parse as IPv4 + TCP and fit
// the MTU; other packets pass untouched. Each fault fires at most once.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/time.hpp"

namespace synack::sim {

enum class FaultAction : std::uint8_t {
  kDrop,   ///< the segment never arrives
  kDelay,  ///< the segment arrives `delay` later than it would (may reorder)
  kDupAt,  ///< the segment arrives normally, and a copy again at `at`
};

/// Which segment a fault hits: the `nth` (1-based) TCP segment on the link, or
/// the `nth` one whose flags byte (TCP header byte 13) equals `flags`.
struct SegmentMatch {
  std::optional<std::uint8_t> flags;  ///< nullopt: any TCP segment
  std::uint32_t nth = 1;              ///< ≥ 1
};

struct Fault {
  FaultAction action = FaultAction::kDrop;
  SegmentMatch match{};
  Duration delay{};  ///< kDelay: extra one-way delay (≥ 0)
  Instant at{};      ///< kDupAt: virtual time of the second delivery

  /// Canonical text in the fault language, e.g. "drop:S.:2", "dup-at:1:3000ms".
  [[nodiscard]] std::string to_string() const;
};

/// Parses one fault ("drop:S.:2"). The error names the bad token, e.g.
/// "bad fault 'drop:SX': unknown TCP flag 'X' in 'SX' (use S F R P U E W . A -)".
[[nodiscard]] std::expected<Fault, std::string> parse_fault(std::string_view text);
/// Parses a comma-separated list of faults ("drop:SA,delay:3:200ms").
[[nodiscard]] std::expected<std::vector<Fault>, std::string> parse_faults(std::string_view text);
/// Parses a flags spelling ("S.", "SA", "F.", "-") into the TCP flags byte.
[[nodiscard]] std::expected<std::uint8_t, std::string> parse_tcp_flags(std::string_view text);
/// Parses "500ms", "3s", "250us", "10ns" (non-negative integer + unit).
[[nodiscard]] std::expected<Duration, std::string> parse_duration(std::string_view text);
/// packetdrill spelling of a flags byte ("S.", "F.", "-").
[[nodiscard]] std::string format_tcp_flags(std::uint8_t flags);

/// What the scripted faults decided for one packet.
struct FaultOutcome {
  bool drop = false;
  Duration delay{};                ///< sum of matching kDelay faults
  std::vector<Instant> redeliver;  ///< kDupAt times (usually empty: no allocation)
  int fired = 0;                   ///< number of faults that hit this packet
};

/// The faults of one link and their match counters.
class FaultPlan {
 public:
  void add(const Fault& f) { faults_.push_back({f, 0, false}); }
  [[nodiscard]] bool empty() const { return faults_.empty(); }
  /// Classifies `ip_packet` (counting it if TCP) and returns what to do.
  /// Non-TCP or unparseable packets get an empty outcome.
  FaultOutcome apply(Bytes ip_packet);
  /// TCP segments seen so far on this link.
  [[nodiscard]] std::uint64_t tcp_segments() const { return segments_; }
  /// Faults that have fired.
  [[nodiscard]] std::size_t fired() const;
  /// Faults that have not fired yet (a test can assert the script ran).
  [[nodiscard]] std::vector<Fault> unfired() const;

 private:
  struct Armed {
    Fault fault;
    std::uint32_t matches;  // segments matched so far
    bool done;
  };
  std::vector<Armed> faults_;
  std::uint64_t segments_ = 0;
};

}  // namespace synack::sim
