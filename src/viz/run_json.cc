// SPDX-License-Identifier: Apache-2.0
#include "viz/run_json.hpp"

#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace synack::viz {

using json = nlohmann::ordered_json;

namespace {

constexpr std::array<std::uint16_t, 9> kFlagOrder{TcpFlags::kSyn, TcpFlags::kFin, TcpFlags::kRst,
                                                  TcpFlags::kPsh, TcpFlags::kAck, TcpFlags::kUrg,
                                                  TcpFlags::kEce, TcpFlags::kCwr, TcpFlags::kAe};

std::string_view fate_name(Fate f) {
  switch (f) {
    case Fate::kDelivered:
      return "delivered";
    case Fate::kDropped:
      return "dropped";
    case Fate::kCorrupted:
      return "corrupted";
    case Fate::kDuplicated:
      return "duplicated";
  }
  return "?";
}

std::int64_t ns(Instant t) {
  return t.time_since_epoch().count();
}

json options_to_json(const TcpFields& f) {
  json o = json::object();
  o["text"] = f.options_text;
  if (f.options.mss) o["mss"] = *f.options.mss;
  if (f.options.window_scale) o["wscale"] = *f.options.window_scale;
  if (f.options.sack_permitted) o["sack_permitted"] = true;
  if (f.options.timestamps) {
    o["ts"] = {{"val", f.options.timestamps->val}, {"ecr", f.options.timestamps->ecr}};
  }
  if (!f.options.sack.empty()) {
    json blocks = json::array();
    for (const auto& b : f.options.sack) blocks.push_back({b.left.raw(), b.right.raw()});
    o["sack"] = blocks;
  }
  return o;
}

json packet_to_json(const PacketEvent& p) {
  json flags = json::array();
  for (auto bit : kFlagOrder) {
    if (p.tcp.flags.bits & bit) flags.push_back(flag_name(bit));
  }
  json j = {{"type", "packet"},
            {"t_ns", ns(p.sent)},
            {"arrived_ns", p.arrived ? json(ns(*p.arrived)) : json(nullptr)},
            {"from", p.from},
            {"to", p.to},
            {"flags", flags},
            {"seq", p.tcp.seq},
            {"ack", p.tcp.ack},
            {"len", p.tcp.len},
            {"win", p.tcp.window},
            {"options", options_to_json(p.tcp)},
            {"fate", fate_name(p.fate)}};
  if (!p.reason.empty()) j["reason"] = p.reason;
  if (!p.raw_hex.empty()) j["raw"] = p.raw_hex;
  return j;
}

json event_to_json(const Event& e) {
  if (const auto* p = std::get_if<PacketEvent>(&e)) return packet_to_json(*p);
  if (const auto* s = std::get_if<StateEvent>(&e)) {
    return {{"type", "state"},
            {"t_ns", ns(s->time)},
            {"endpoint", s->endpoint},
            {"from", to_string(s->from)},
            {"to", to_string(s->to)},
            {"cause", s->cause},
            {"rfc", s->rfc}};
  }
  const auto& n = std::get<NoteEvent>(e);
  return {{"type", "note"},
          {"t_ns", ns(n.time)},
          {"endpoint", n.endpoint ? json(*n.endpoint) : json(nullptr)},
          {"text", n.text}};
}

// ---- reading: every accessor knows its JSON path for the error message ----

struct BadField : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& path, std::string_view what) {
  throw BadField(fmt::format("{}: {}", path, what));
}

const json& field(const json& obj, const std::string& path, const char* key) {
  if (!obj.is_object()) fail(path, "expected an object");
  auto it = obj.find(key);
  if (it == obj.end()) fail(path.empty() ? key : path + "." + key, "missing");
  return *it;
}

std::string sub(const std::string& path, const char* key) {
  return path.empty() ? std::string(key) : path + "." + key;
}

std::string get_string(const json& obj, const std::string& path, const char* key) {
  const json& v = field(obj, path, key);
  if (!v.is_string()) fail(sub(path, key), "expected a string");
  return v.get<std::string>();
}

std::string opt_string(const json& obj, const std::string& path, const char* key) {
  if (!obj.contains(key)) return {};
  return get_string(obj, path, key);
}

template <typename T>
T get_uint(const json& v, const std::string& path) {
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0 ||
      v.get<std::uint64_t>() > std::numeric_limits<T>::max()) {
    fail(path, fmt::format("expected an integer in 0..{}", std::numeric_limits<T>::max()));
  }
  return static_cast<T>(v.get<std::uint64_t>());
}

template <typename T>
T get_uint(const json& obj, const std::string& path, const char* key) {
  return get_uint<T>(field(obj, path, key), sub(path, key));
}

Instant get_time(const json& obj, const std::string& path, const char* key) {
  const json& v = field(obj, path, key);
  if (!v.is_number_integer()) fail(sub(path, key), "expected an integer (ns)");
  return Instant{nanoseconds{v.get<std::int64_t>()}};
}

tcp::State get_state(const json& obj, const std::string& path, const char* key) {
  std::string s = get_string(obj, path, key);
  auto st = state_from_string(s);
  if (!st) fail(sub(path, key), fmt::format("unknown state \"{}\"", s));
  return *st;
}

EndpointId get_endpoint(const json& v, const std::string& path, std::size_t count) {
  auto id = get_uint<std::uint32_t>(v, path);
  if (id >= count) fail(path, fmt::format("endpoint {} out of range (run has {})", id, count));
  return id;
}

TcpFlags get_flags(const json& obj, const std::string& path) {
  const json& v = field(obj, path, "flags");
  const std::string p = sub(path, "flags");
  if (!v.is_array()) fail(p, "expected an array of flag names");
  TcpFlags f;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string pi = fmt::format("{}[{}]", p, i);
    if (!v[i].is_string()) fail(pi, "expected a flag name");
    const auto name = v[i].get<std::string>();
    auto it = std::ranges::find_if(kFlagOrder, [&](auto bit) { return flag_name(bit) == name; });
    if (it == kFlagOrder.end()) fail(pi, fmt::format("unknown flag \"{}\"", name));
    f.bits |= *it;
  }
  return f;
}

OptionValues get_options(const json& o, const std::string& p, std::string& text) {
  if (!o.is_object()) fail(p, "expected an object");
  OptionValues v;
  text = opt_string(o, p, "text");
  if (o.contains("mss")) v.mss = get_uint<std::uint16_t>(o, p, "mss");
  if (o.contains("wscale")) v.window_scale = get_uint<std::uint8_t>(o, p, "wscale");
  if (o.contains("sack_permitted")) {
    if (!o["sack_permitted"].is_boolean()) fail(sub(p, "sack_permitted"), "expected true/false");
    v.sack_permitted = o["sack_permitted"].get<bool>();
  }
  if (o.contains("ts")) {
    const json& ts = o["ts"];
    const std::string pt = sub(p, "ts");
    v.timestamps = TcpTimestamps{get_uint<std::uint32_t>(ts, pt, "val"),
                                 get_uint<std::uint32_t>(ts, pt, "ecr")};
  }
  if (o.contains("sack")) {
    const json& s = o["sack"];
    const std::string ps = sub(p, "sack");
    if (!s.is_array() || s.size() > 4) fail(ps, "expected an array of at most 4 [left, right]");
    for (std::size_t i = 0; i < s.size(); ++i) {
      const std::string pi = fmt::format("{}[{}]", ps, i);
      if (!s[i].is_array() || s[i].size() != 2) fail(pi, "expected [left, right]");
      v.sack.push_back({SeqNum(get_uint<std::uint32_t>(s[i][0], pi + "[0]")),
                        SeqNum(get_uint<std::uint32_t>(s[i][1], pi + "[1]"))});
    }
  }
  return v;
}

Fate get_fate(const json& obj, const std::string& path) {
  const std::string name = get_string(obj, path, "fate");
  for (auto f : {Fate::kDelivered, Fate::kDropped, Fate::kCorrupted, Fate::kDuplicated}) {
    if (fate_name(f) == name) return f;
  }
  fail(sub(path, "fate"), fmt::format("unknown fate \"{}\"", name));
}

PacketEvent get_packet(const json& j, const std::string& p, std::size_t n_endpoints) {
  PacketEvent e;
  e.sent = get_time(j, p, "t_ns");
  const json& arr = field(j, p, "arrived_ns");
  if (!arr.is_null()) {
    e.arrived = get_time(j, p, "arrived_ns");
    if (*e.arrived < e.sent) fail(sub(p, "arrived_ns"), "arrives before it is sent");
  }
  e.from = get_endpoint(field(j, p, "from"), sub(p, "from"), n_endpoints);
  e.to = get_endpoint(field(j, p, "to"), sub(p, "to"), n_endpoints);
  e.tcp.flags = get_flags(j, p);
  e.tcp.seq = get_uint<std::uint32_t>(j, p, "seq");
  e.tcp.ack = get_uint<std::uint32_t>(j, p, "ack");
  e.tcp.len = get_uint<std::uint32_t>(j, p, "len");
  e.tcp.window = get_uint<std::uint16_t>(j, p, "win");
  if (j.contains("options")) {
    e.tcp.options = get_options(j["options"], sub(p, "options"), e.tcp.options_text);
  }
  e.fate = get_fate(j, p);
  if (e.fate != Fate::kDropped && !e.arrived) fail(sub(p, "arrived_ns"), "null but not dropped");
  if (e.fate == Fate::kDropped && e.arrived) fail(sub(p, "arrived_ns"), "set but dropped");
  e.reason = opt_string(j, p, "reason");
  e.raw_hex = opt_string(j, p, "raw");
  if (e.raw_hex.find_first_not_of("0123456789abcdef") != std::string::npos ||
      e.raw_hex.size() % 2) {
    fail(sub(p, "raw"), "expected lowercase hex bytes");
  }
  return e;
}

Event get_event(const json& j, const std::string& p, std::size_t n_endpoints) {
  const std::string type = get_string(j, p, "type");
  if (type == "packet") return get_packet(j, p, n_endpoints);
  if (type == "state") {
    return StateEvent{get_time(j, p, "t_ns"),
                      get_endpoint(field(j, p, "endpoint"), sub(p, "endpoint"), n_endpoints),
                      get_state(j, p, "from"),
                      get_state(j, p, "to"),
                      opt_string(j, p, "cause"),
                      opt_string(j, p, "rfc")};
  }
  if (type == "note") {
    NoteEvent n{get_time(j, p, "t_ns"), std::nullopt, get_string(j, p, "text")};
    if (j.contains("endpoint") && !j["endpoint"].is_null()) {
      n.endpoint = get_endpoint(j["endpoint"], sub(p, "endpoint"), n_endpoints);
    }
    return n;
  }
  fail(sub(p, "type"), fmt::format("unknown event type \"{}\" (packet, state, note)", type));
}

Endpoint get_endpoint_def(const json& j, const std::string& p) {
  Endpoint e;
  e.name = get_string(j, p, "name");
  if (e.name.empty()) fail(sub(p, "name"), "empty");
  e.addr = opt_string(j, p, "addr");
  e.port = j.contains("port") ? get_uint<std::uint16_t>(j, p, "port") : 0;
  if (j.contains("isn") && !j["isn"].is_null()) e.isn = get_uint<std::uint32_t>(j, p, "isn");
  if (j.contains("initial_state") && !j["initial_state"].is_null()) {
    e.initial_state = get_state(j, p, "initial_state");
  }
  return e;
}

Run parse_run(const json& j) {
  if (!j.is_object()) fail("(top)", "expected an object");
  if (get_string(j, "", "format") != kRunFormat) {
    fail("format", fmt::format("expected \"{}\"", kRunFormat));
  }
  const json& ver = field(j, "", "version");
  if (!ver.is_number_integer() || ver.get<std::int64_t>() != kRunFormatVersion) {
    fail("version", fmt::format("unsupported {} (expected {})", ver.dump(), kRunFormatVersion));
  }
  Run r;
  r.title = opt_string(j, "", "title");
  r.scenario = opt_string(j, "", "scenario");
  r.description = opt_string(j, "", "description");
  r.generator = opt_string(j, "", "generator");
  if (j.contains("seed")) r.seed = get_uint<std::uint64_t>(j, "", "seed");
  const json& eps = field(j, "", "endpoints");
  if (!eps.is_array() || eps.size() < 2) fail("endpoints", "expected an array of two or more");
  for (std::size_t i = 0; i < eps.size(); ++i) {
    r.endpoints.push_back(get_endpoint_def(eps[i], fmt::format("endpoints[{}]", i)));
  }
  const json& evs = field(j, "", "events");
  if (!evs.is_array()) fail("events", "expected an array");
  for (std::size_t i = 0; i < evs.size(); ++i) {
    const std::string p = fmt::format("events[{}]", i);
    r.events.push_back(get_event(evs[i], p, r.endpoints.size()));
    if (i > 0 && event_time(r.events[i]) < event_time(r.events[i - 1])) {
      fail(p + ".t_ns", "events are not in time order");
    }
  }
  return r;
}

}  // namespace

std::string_view flag_name(std::uint16_t bit) {
  switch (bit) {
    case TcpFlags::kSyn:
      return "SYN";
    case TcpFlags::kFin:
      return "FIN";
    case TcpFlags::kRst:
      return "RST";
    case TcpFlags::kPsh:
      return "PSH";
    case TcpFlags::kAck:
      return "ACK";
    case TcpFlags::kUrg:
      return "URG";
    case TcpFlags::kEce:
      return "ECE";
    case TcpFlags::kCwr:
      return "CWR";
    case TcpFlags::kAe:
      return "AE";
    default:
      return "?";
  }
}

std::optional<tcp::State> state_from_string(std::string_view s) {
  for (std::size_t i = 0; i < tcp::kStateCount; ++i) {
    const auto st = static_cast<tcp::State>(i);
    if (to_string(st) == s) return st;
  }
  return std::nullopt;
}

std::string run_to_json(const Run& run) {
  json eps = json::array();
  for (const auto& e : run.endpoints) {
    eps.push_back(
        {{"name", e.name},
         {"addr", e.addr},
         {"port", e.port},
         {"isn", e.isn ? json(*e.isn) : json(nullptr)},
         {"initial_state", e.initial_state ? json(to_string(*e.initial_state)) : json(nullptr)}});
  }
  json evs = json::array();
  for (const auto& e : run.events) evs.push_back(event_to_json(e));
  json j;
  j["format"] = kRunFormat;
  j["version"] = kRunFormatVersion;
  j["title"] = run.title;
  j["scenario"] = run.scenario;
  j["seed"] = run.seed;
  j["description"] = run.description;
  j["generator"] = run.generator;
  j["endpoints"] = std::move(eps);
  j["events"] = std::move(evs);
  return j.dump(2) + "\n";
}

std::expected<Run, std::string> run_from_json(std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return std::unexpected(fmt::format("not JSON: {}", e.what()));
  }
  try {
    return parse_run(j);
  } catch (const BadField& e) {
    return std::unexpected(std::string(e.what()));
  } catch (const json::exception& e) {
    return std::unexpected(fmt::format("malformed run: {}", e.what()));
  }
}

}  // namespace synack::viz
