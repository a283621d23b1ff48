// SPDX-License-Identifier: Apache-2.0
#include "lab/params.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include <fmt/core.h>

#include "base/units.hpp"

namespace synack::lab {
namespace {

using Error = std::unexpected<std::string>;

constexpr std::string_view kFaultForm =
    "expected drop:N, delay:N:DURATION or dup:N:DURATION with N the segment's number "
    "(e.g. drop:3, delay:3:500ms, dup:3:2s)";

// "500ms", "2s", "250us": the shortest exact spelling.
std::string duration_text(Duration d) {
  const auto ns = d.count();
  if (ns % 1'000'000'000 == 0) return fmt::format("{}s", ns / 1'000'000'000);
  if (ns % 1'000'000 == 0) return fmt::format("{}ms", ns / 1'000'000);
  if (ns % 1'000 == 0) return fmt::format("{}us", ns / 1'000);
  return fmt::format("{}ns", ns);
}

// A fraction, not "5%": a '%' would need escaping in the URL.
std::string fraction_text(double f) {
  return fmt::format("{:g}", f);
}

std::expected<std::uint64_t, std::string> parse_count(std::string_view text, std::uint64_t lo,
                                                      std::uint64_t hi) {
  std::uint64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc{} || p != end || v < lo || v > hi) {
    return Error(fmt::format("expected a whole number from {} to {}", lo, hi));
  }
  return v;
}

std::expected<Duration, std::string> parse_bounded(std::string_view text, Duration lo,
                                                   Duration hi) {
  const auto d = units::parse_duration(text);
  if (!d) return Error(fmt::format("expected a duration such as 50ms or 1.5s ({})", d.error()));
  if (*d < lo || *d > hi) {
    return Error(fmt::format("expected {} to {}", duration_text(lo), duration_text(hi)));
  }
  return *d;
}

// Applies one name=value pair to `p`; the error does not name the parameter.
std::expected<void, std::string> apply(Params& p, std::string_view name, std::string_view value) {
  if (name == "scenario") {
    if (value.empty() || value.size() > 64 || !std::ranges::all_of(value, [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
        })) {
      return Error("expected a scenario name such as lost-third-ack");
    }
    p.scenario = value;
  } else if (name == "seed") {
    auto v = parse_count(value, 1, std::numeric_limits<std::int64_t>::max());
    if (!v) return Error(v.error());
    p.seed = *v;
  } else if (name == "scripted") {
    if (value != "0" && value != "1") return Error("expected 0 or 1");
    p.scripted = value == "1";
  } else if (name == "rtt") {
    auto d = parse_bounded(value, milliseconds(1), seconds(10));
    if (!d) return Error(d.error());
    p.rtt = *d;
  } else if (name == "msl") {
    auto d = parse_bounded(value, milliseconds(100), seconds(300));
    if (!d) return Error(d.error());
    p.msl = *d;
  } else if (name == "loss") {
    auto f = units::parse_fraction(value);
    if (!f || *f > 0.5) return Error("expected a loss rate from 0 to 50% (e.g. 5% or 0.05)");
    p.loss = *f;
  } else if (name == "close") {
    if (value != "client" && value != "server") return Error("expected client or server");
    p.close = value == "client" ? scenarios::CloseFirst::kClient : scenarios::CloseFirst::kServer;
  } else if (name == "axis") {
    const auto a = viz::time_axis_from_string(value);
    if (!a) return Error("expected event, linear or log");
    p.axis = *a;
  } else if (name == "fault") {
    if (p.faults.size() == kMaxFaults) return Error(fmt::format("at most {} faults", kMaxFaults));
    auto f = parse_segment_fault(value);
    if (!f) return Error(f.error());
    p.faults.push_back(*f);
  } else {
    return Error(
        "unknown parameter (known: scenario, seed, scripted, rtt, loss, msl, close, axis, fault)");
  }
  return {};
}

}  // namespace

std::string SegmentFault::to_string() const {
  switch (kind) {
    case FaultKind::kDrop:
      return fmt::format("drop:{}", segment);
    case FaultKind::kDelay:
      return fmt::format("delay:{}:{}", segment, duration_text(by));
    case FaultKind::kDup:
      return fmt::format("dup:{}:{}", segment, duration_text(by));
  }
  return {};
}

std::expected<SegmentFault, std::string> parse_segment_fault(std::string_view text) {
  SegmentFault f;
  const auto c1 = text.find(':');
  if (c1 == std::string_view::npos) return Error(std::string(kFaultForm));
  const std::string_view action = text.substr(0, c1);
  std::string_view rest = text.substr(c1 + 1);
  const auto c2 = rest.find(':');
  const std::string_view number = rest.substr(0, c2);
  const std::string_view arg = c2 == std::string_view::npos ? "" : rest.substr(c2 + 1);
  if (action == "drop") {
    f.kind = FaultKind::kDrop;
  } else if (action == "delay") {
    f.kind = FaultKind::kDelay;
  } else if (action == "dup") {
    f.kind = FaultKind::kDup;
  } else {
    return Error(fmt::format("unknown action \"{}\": {}", action, kFaultForm));
  }
  auto n = parse_count(number, 1, 100'000);
  if (!n) return Error(fmt::format("segment number \"{}\": {}", number, n.error()));
  f.segment = static_cast<std::uint32_t>(*n);
  const bool wants_arg = f.kind != FaultKind::kDrop;
  if (wants_arg != (c2 != std::string_view::npos)) return Error(std::string(kFaultForm));
  if (wants_arg) {
    auto d = parse_bounded(arg, milliseconds(1),
                           f.kind == FaultKind::kDelay ? seconds(60) : seconds(600));
    if (!d) return Error(fmt::format("\"{}\": {}", arg, d.error()));
    f.by = *d;
  }
  return f;
}

std::expected<Params, std::string> parse_params(const Query& q) {
  Params p;
  for (const auto& [name, value] : q) {
    const bool repeatable = name == "fault";
    if (!repeatable && std::ranges::count(q, name, &Query::value_type::first) > 1) {
      return Error(fmt::format("{} is given more than once", name));
    }
    if (auto r = apply(p, name, value); !r) {
      const std::string shown = value.size() > 40 ? value.substr(0, 40) + "…" : value;
      return Error(fmt::format("{}=\"{}\": {}", name.size() > 40 ? name.substr(0, 40) : name, shown,
                               r.error()));
    }
  }
  return p;
}

std::string Params::to_query() const {
  const Params d;
  std::string q = "scenario=" + scenario;
  if (seed != d.seed) q += fmt::format("&seed={}", seed);
  if (scripted != d.scripted) q += "&scripted=0";
  if (rtt != d.rtt) q += "&rtt=" + duration_text(rtt);
  if (loss != d.loss) q += "&loss=" + fraction_text(loss);
  if (msl != d.msl) q += "&msl=" + duration_text(msl);
  if (close != d.close) {
    q += close == scenarios::CloseFirst::kClient ? "&close=client" : "&close=server";
  }
  if (axis == viz::TimeAxis::kLinear) q += "&axis=linear";
  if (axis == viz::TimeAxis::kLog) q += "&axis=log";
  for (const auto& f : faults) q += "&fault=" + f.to_string();
  return q;
}

}  // namespace synack::lab
