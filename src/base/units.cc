// SPDX-License-Identifier: Apache-2.0
#include "base/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

#include <fmt/core.h>

namespace synack::units {
namespace {

struct Unit {
  std::string_view name;
  double scale;
};

// "<number><unit>": the number is decimal digits with an optional fraction.
struct Split {
  double value = 0;
  std::string_view unit;
};

std::expected<Split, std::string> split(std::string_view text, std::string_view forms) {
  if (text.empty()) return std::unexpected(fmt::format("empty value (use {})", forms));
  if (text.front() == '-')
    return std::unexpected(fmt::format("must not be negative (use {})", forms));
  std::size_t i = 0;
  while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
  Split s;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + i, s.value, std::chars_format::fixed);
  if (i == 0 || ec != std::errc{} || end != text.data() + i || !std::isfinite(s.value)) {
    return std::unexpected(fmt::format("expected a number and a unit (use {})", forms));
  }
  s.unit = text.substr(i);
  return s;
}

template <std::size_t N>
const Unit* find(const std::array<Unit, N>& table, std::string_view unit) {
  for (const Unit& u : table) {
    if (u.name == unit) return &u;
  }
  return nullptr;
}

std::string unknown_unit(std::string_view unit, std::string_view forms) {
  return fmt::format("unknown unit \"{}\" (use {})", unit, forms);
}

constexpr double kKi = 1024.0;

}  // namespace

std::expected<std::uint64_t, std::string> parse_bytes(std::string_view text) {
  static constexpr std::array<Unit, 8> kUnits = {{{"", 1},
                                                  {"B", 1},
                                                  {"K", kKi},
                                                  {"KiB", kKi},
                                                  {"M", kKi * kKi},
                                                  {"MiB", kKi * kKi},
                                                  {"G", kKi * kKi * kKi},
                                                  {"GiB", kKi * kKi * kKi}}};
  const auto s = split(text, kBytesForms);
  if (!s) return std::unexpected(s.error());
  const Unit* u = find(kUnits, s->unit);
  if (u == nullptr) {
    if (s->unit == "KB" || s->unit == "MB" || s->unit == "GB" || s->unit == "k" ||
        s->unit == "kB") {
      return std::unexpected(
          fmt::format("\"{}\" is ambiguous (decimal or binary?); use {}", s->unit, kBytesForms));
    }
    return std::unexpected(unknown_unit(s->unit, kBytesForms));
  }
  const double bytes = s->value * u->scale;
  if (bytes >= 18446744073709551616.0) {
    return std::unexpected(fmt::format("too large (at most 2^64 - 1 bytes)"));
  }
  if (bytes != std::floor(bytes)) {
    return std::unexpected(fmt::format("{} bytes is not a whole number of bytes", bytes));
  }
  return static_cast<std::uint64_t>(bytes);
}

std::expected<std::uint64_t, std::string> parse_bit_rate(std::string_view text) {
  static constexpr std::array<Unit, 16> kUnits = {{{"bit", 1},
                                                   {"bit/s", 1},
                                                   {"bps", 1},
                                                   {"kbit", 1e3},
                                                   {"Kbit", 1e3},
                                                   {"kbit/s", 1e3},
                                                   {"kbps", 1e3},
                                                   {"Kbps", 1e3},
                                                   {"Mbit", 1e6},
                                                   {"Mbit/s", 1e6},
                                                   {"Mbps", 1e6},
                                                   {"mbit", 1e6},
                                                   {"Gbit", 1e9},
                                                   {"Gbit/s", 1e9},
                                                   {"Gbps", 1e9},
                                                   {"gbit", 1e9}}};
  const auto s = split(text, kBitRateForms);
  if (!s) return std::unexpected(s.error());
  if (s->value == 0 && s->unit.empty()) return 0;
  const Unit* u = find(kUnits, s->unit);
  if (u == nullptr) {
    if (s->unit.empty()) {
      return std::unexpected(fmt::format("needs a unit (use {})", kBitRateForms));
    }
    if (s->unit.ends_with("B") || s->unit.ends_with("B/s") || s->unit.ends_with("Bps")) {
      return std::unexpected(
          fmt::format("\"{}\" is bytes; rates are in bits (use {})", s->unit, kBitRateForms));
    }
    return std::unexpected(unknown_unit(s->unit, kBitRateForms));
  }
  const double bps = s->value * u->scale;
  if (bps >= 18446744073709551616.0) return std::unexpected("too large");
  return static_cast<std::uint64_t>(std::llround(bps));
}

std::expected<Duration, std::string> parse_duration(std::string_view text) {
  static constexpr std::array<Unit, 7> kUnits = {{{"ns", 1},
                                                  {"us", 1e3},
                                                  {"µs", 1e3},
                                                  {"ms", 1e6},
                                                  {"s", 1e9},
                                                  {"min", 60e9},
                                                  {"m", 0}}};  // refused below
  const auto s = split(text, kDurationForms);
  if (!s) return std::unexpected(s.error());
  if (s->value == 0 && s->unit.empty()) return Duration::zero();
  const Unit* u = find(kUnits, s->unit);
  if (u == nullptr || u->scale == 0) {
    if (s->unit.empty()) {
      return std::unexpected(fmt::format("needs a unit (use {})", kDurationForms));
    }
    if (s->unit == "m") {
      return std::unexpected(fmt::format("\"m\" is ambiguous; use min or ms"));
    }
    return std::unexpected(unknown_unit(s->unit, kDurationForms));
  }
  const double ns = s->value * u->scale;
  if (ns >= 9.2e18) return std::unexpected("too long (at most about 292 years)");
  return Duration{static_cast<std::int64_t>(std::llround(ns))};
}

std::expected<double, std::string> parse_fraction(std::string_view text) {
  const auto s = split(text, kFractionForms);
  if (!s) return std::unexpected(s.error());
  if (s->unit != "%" && !s->unit.empty())
    return std::unexpected(unknown_unit(s->unit, kFractionForms));
  const double p = s->unit == "%" ? s->value / 100 : s->value;
  if (p > 1) return std::unexpected(fmt::format("more than 100% (use {})", kFractionForms));
  return p;
}

}  // namespace synack::units
