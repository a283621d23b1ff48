// SPDX-License-Identifier: Apache-2.0
// CLI11 options that take the quantities of base/units.hpp (docs/units.md):
// sizes, bit rates, durations and percentages. Shared by every synack command
// and the benchmark programs, so a bad value always reads the same:
//   synack sim: --bytes: "1Q": unknown unit "Q" (use bytes as 1500 ...)
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include <fmt/core.h>

#include "base/units.hpp"

namespace synack::cli {

/// Adds option `names` (CLI11 syntax, e.g. "-b,--bytes") whose text is parsed
/// by `parse` (text → std::expected<T, std::string>) into `out`. A bad value
/// throws CLI::ValidationError "--name: "TEXT": problem (accepted forms)".
template <class T, class Parse>
CLI::Option* add_unit_option(CLI::App& app, const std::string& names, T& out,
                             const std::string& help, Parse parse, const std::string& type) {
  const auto comma = names.rfind(',');
  const std::string flag = comma == std::string::npos ? names : names.substr(comma + 1);
  auto* opt = app.add_option_function<std::string>(
      names,
      [&out, parse, flag](const std::string& text) {
        auto value = parse(text);
        if (!value)
          throw CLI::ValidationError(flag, fmt::format("\"{}\": {}", text, value.error()));
        out = static_cast<T>(*value);
      },
      help);
  opt->type_name(type);
  return opt;
}

/// A byte size: 1500, 64K = 64KiB, 5M = 5MiB, 1G = 1GiB (binary multiples).
inline CLI::Option* add_bytes_option(CLI::App& app, const std::string& names, std::uint64_t& out,
                                     const std::string& help) {
  return add_unit_option(app, names, out, help, units::parse_bytes, "SIZE");
}

/// A bit rate in bit/s: 10kbit, 100Mbit = 10^8 bit/s, 1Gbit (decimal multiples).
inline CLI::Option* add_bit_rate_option(CLI::App& app, const std::string& names, std::uint64_t& out,
                                        const std::string& help) {
  return add_unit_option(app, names, out, help, units::parse_bit_rate, "RATE");
}

/// A duration: 250ns, 100us, 50ms, 1.5s, 2min.
inline CLI::Option* add_duration_option(CLI::App& app, const std::string& names, Duration& out,
                                        const std::string& help) {
  return add_unit_option(app, names, out, help, units::parse_duration, "DURATION");
}

/// A duration that may also be a bare number of seconds (`90` = `90s`), as
/// curl's --max-time and the benchmarks' --seconds take it.
inline std::expected<Duration, std::string> parse_seconds_or_duration(std::string_view text) {
  if (!text.empty() && text.find_first_not_of("0123456789.") == std::string_view::npos) {
    return units::parse_duration(std::string(text) + "s");
  }
  return units::parse_duration(text);
}

/// A duration, or a bare number of seconds: 90, 90s, 2min, 500ms.
inline CLI::Option* add_seconds_option(CLI::App& app, const std::string& names, Duration& out,
                                       const std::string& help) {
  return add_unit_option(app, names, out, help, parse_seconds_or_duration, "SECONDS");
}

/// A probability: 5% or 0.05.
inline CLI::Option* add_fraction_option(CLI::App& app, const std::string& names, double& out,
                                        const std::string& help) {
  return add_unit_option(app, names, out, help, units::parse_fraction, "PERCENT");
}

}  // namespace synack::cli
