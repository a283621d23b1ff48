// SPDX-License-Identifier: Apache-2.0
// Text forms of script values, in packetdrill's spelling (used in messages).
#include "drill/ast.hpp"

#include <fmt/core.h>

namespace synack::drill {

std::string Expr::to_string() const {
  auto join = [&](std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out += sep;
      if (kind == Kind::kStruct && !fields[i].empty()) out += fields[i] + "=";
      out += items[i].to_string();
    }
    return out;
  };
  switch (kind) {
    case Kind::kEllipsis:
      return "...";
    case Kind::kInteger:
      return fmt::format("{}", integer);
    case Kind::kSymbol:
      return text;
    case Kind::kString:
      return fmt::format("\"{}\"", text);
    case Kind::kOr:
      return join(" | ");
    case Kind::kList:
      return fmt::format("[{}]", join(", "));
    case Kind::kStruct:
      return fmt::format("{{{}}}", join(", "));
    case Kind::kCall:
      return fmt::format("{}({})", text, join(", "));
  }
  return "?";
}

namespace {

std::string option_to_string(const OptionSpec& o) {
  switch (o.kind) {
    case OptionSpec::Kind::kNop:
      return "nop";
    case OptionSpec::Kind::kEol:
      return "eol";
    case OptionSpec::Kind::kMss:
      return fmt::format("mss {}", o.value);
    case OptionSpec::Kind::kWindowScale:
      return fmt::format("wscale {}", o.value);
    case OptionSpec::Kind::kSackPermitted:
      return "sackOK";
    case OptionSpec::Kind::kSack: {
      std::string s = "sack";
      for (const auto& [l, r] : o.sack) s += fmt::format(" {}:{}", l, r);
      return s;
    }
    case OptionSpec::Kind::kTimestamps:
      return fmt::format("TS val {} ecr {}", o.ts_val, o.ts_ecr);
    case OptionSpec::Kind::kFastOpen:
      return o.text.empty() ? "FO" : fmt::format("FO {}", o.text);
    case OptionSpec::Kind::kFastOpenExp:
      return o.text.empty() ? "FOEXP" : fmt::format("FOEXP {}", o.text);
    case OptionSpec::Kind::kMd5:
      return o.text.empty() ? "md5" : fmt::format("md5 {}", o.text);
  }
  return "?";
}

std::string_view ecn_name(Ecn e) {
  switch (e) {
    case Ecn::kNotEct:
      return "noecn";
    case Ecn::kEct0:
      return "ect0";
    case Ecn::kEct1:
      return "ect1";
    case Ecn::kCe:
      return "ce";
  }
  return "?";
}

}  // namespace

std::string PacketEvent::to_string() const {
  std::string s;
  if (ecn) s += fmt::format("[{}] ", ecn_name(*ecn));
  s += flags_text;
  if (seq_any) {
    s += fmt::format(" ...({})", len);
  } else {
    s += fmt::format(" {}{}:{}({})", seq, seq_absolute ? "!" : "", seq + len, len);
  }
  if (ack) s += fmt::format(" ack {}{}", *ack, ack_absolute ? "!" : "");
  if (window) s += fmt::format(" win {}", *window);
  if (urgent) s += fmt::format(" urg {}", *urgent);
  if (options_any) {
    s += " <...>";
  } else if (!options.empty()) {
    s += " <";
    for (std::size_t i = 0; i < options.size(); ++i) {
      if (i) s += ",";
      s += option_to_string(options[i]);
    }
    s += ">";
  }
  return s;
}

}  // namespace synack::drill
