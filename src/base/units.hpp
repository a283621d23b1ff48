// SPDX-License-Identifier: Apache-2.0
// Quantities as people type them on a command line: byte sizes, bit rates,
// durations and percentages. One parser for every synack command and every
// benchmark program, so `64K`, `100Mbit`, `50ms` and `5%` mean the same thing
// everywhere. The accepted forms are tabled in docs/units.md.
//
// Errors are one line without the field's name (the caller prefixes it, e.g.
// `--bytes "1Q": ...`) and always list the accepted forms.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "base/time.hpp"

namespace synack::units {

/// A byte size in binary multiples, as `ip`, `dd` and `truncate` read them:
/// `1500` or `1500B` (bytes), `64K` = `64KiB` = 65,536 B, `5M` = `5MiB` =
/// 5,242,880 B, `1G` = `1GiB` = 2^30 B. A fraction is allowed if the result is
/// a whole number of bytes (`1.5K` = 1,536 B). `KB`/`MB`/`GB` are refused as
/// ambiguous (decimal or binary?). Range: 0 .. 2^64 - 1 bytes.
[[nodiscard]] std::expected<std::uint64_t, std::string> parse_bytes(std::string_view text);

/// A bit rate in decimal multiples, as networking (and `tc`) use them:
/// `5000bit`, `10kbit`, `100Mbit` = 10^8 bit/s, `1Gbit`; an optional `/s`
/// (`100Mbit/s`) and the `bps` spellings (`kbps`, `Mbps`, `Gbps`) are accepted;
/// `0` means 0 (callers give it a meaning, e.g. unlimited). Result in bit/s.
[[nodiscard]] std::expected<std::uint64_t, std::string> parse_bit_rate(std::string_view text);

/// A duration: `250ns`, `100us` = `100µs`, `50ms`, `1.5s`, `2min`. A unit is
/// required except for `0`. Fractions are rounded to the nanosecond. Never
/// negative; at most about 292 years (INT64_MAX ns).
[[nodiscard]] std::expected<Duration, std::string> parse_duration(std::string_view text);

/// A probability or share: `5%` (= 0.05), `0.5%`, or a fraction in [0, 1]
/// (`0.05`). Result in [0, 1].
[[nodiscard]] std::expected<double, std::string> parse_fraction(std::string_view text);

/// The accepted forms of each kind, as the errors above quote them.
inline constexpr std::string_view kBytesForms =
    "bytes as 1500 or 1500B, or binary multiples 64K = 64KiB, 5M = 5MiB, 1G = 1GiB";
inline constexpr std::string_view kBitRateForms =
    "decimal bit rates 5000bit, 10kbit, 100Mbit, 1Gbit (also Mbit/s, Mbps)";
inline constexpr std::string_view kDurationForms =
    "durations 250ns, 100us (or µs), 50ms, 1.5s, 2min";
inline constexpr std::string_view kFractionForms = "a percentage 5% or a fraction 0.05 in [0, 1]";

}  // namespace synack::units
