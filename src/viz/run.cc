// SPDX-License-Identifier: Apache-2.0
#include "viz/run.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace synack::viz {

std::string Endpoint::address() const {
  if (addr.empty()) return port ? fmt::format(":{}", port) : std::string{};
  return fmt::format("{}:{}", addr, port);
}

Instant event_time(const Event& e) {
  return std::visit(
      [](const auto& ev) -> Instant {
        if constexpr (std::is_same_v<std::decay_t<decltype(ev)>, PacketEvent>) {
          return ev.sent;
        } else {
          return ev.time;
        }
      },
      e);
}

std::size_t Run::packet_count() const {
  return static_cast<std::size_t>(std::ranges::count_if(
      events, [](const Event& e) { return std::holds_alternative<PacketEvent>(e); }));
}

std::optional<tcp::State> Run::initial_state(EndpointId e) const {
  if (e < endpoints.size() && endpoints[e].initial_state) return endpoints[e].initial_state;
  for (const auto& ev : events) {
    if (const auto* s = std::get_if<StateEvent>(&ev); s && s->endpoint == e) return s->from;
  }
  return std::nullopt;
}

std::string format_options(const OptionValues& o) {
  std::vector<std::string> parts;
  if (o.mss) parts.push_back(fmt::format("mss {}", *o.mss));
  if (o.sack_permitted) parts.emplace_back("sackOK");
  if (o.timestamps) {
    parts.push_back(fmt::format("TS val {} ecr {}", o.timestamps->val, o.timestamps->ecr));
  }
  if (o.window_scale) parts.push_back(fmt::format("wscale {}", *o.window_scale));
  if (!o.sack.empty()) {
    std::string s = "sack";
    for (const auto& b : o.sack) s += fmt::format(" {{{}:{}}}", b.left.raw(), b.right.raw());
    parts.push_back(std::move(s));
  }
  return fmt::format("{}", fmt::join(parts, ","));
}

namespace {

// tcpdump's words for one option in wire order (NOP included).
std::string option_item_text(const TcpOptionItem& item) {
  switch (item.kind) {
    case 0:
      return "eol";
    case 1:
      return "nop";
    case 2:
      return item.data.size() == 2 ? fmt::format("mss {}", load_be16(item.data, 0)) : "mss ?";
    case 3:
      return item.data.size() == 1 ? fmt::format("wscale {}", load_u8(item.data, 0)) : "ws ?";
    case 4:
      return "sackOK";
    case 5: {
      std::string s = "sack";
      for (std::size_t k = 0; k + 8 <= item.data.size(); k += 8) {
        s += fmt::format(" {{{}:{}}}", load_be32(item.data, k), load_be32(item.data, k + 4));
      }
      return s;
    }
    case 8:
      return item.data.size() == 8
                 ? fmt::format("TS val {} ecr {}", load_be32(item.data, 0), load_be32(item.data, 4))
                 : "TS ?";
    default:
      return fmt::format("opt-{}", item.kind);
  }
}

}  // namespace

TcpFields fields_from_segment(const TcpSegment& seg) {
  TcpFields f;
  f.flags = seg.flags;
  f.seq = seg.seq.raw();
  f.ack = seg.ack.raw();
  f.len = static_cast<std::uint32_t>(seg.payload.size());
  f.window = seg.window;
  const TcpOptionSummary s = seg.options.summarize();
  f.options.mss = s.mss;
  f.options.window_scale = s.window_scale;
  f.options.sack_permitted = s.sack_permitted;
  f.options.timestamps = s.timestamps;
  f.options.sack.assign(s.sack.begin(), s.sack.begin() + s.sack_count);
  std::vector<std::string> items;
  seg.options.for_each(
      [&items](const TcpOptionItem& item) { items.push_back(option_item_text(item)); });
  f.options_text = fmt::format("{}", fmt::join(items, ","));
  return f;
}

RunBuilder::RunBuilder(std::string title, std::string scenario) {
  run_.title = std::move(title);
  run_.scenario = std::move(scenario);
}

RunBuilder& RunBuilder::seed(std::uint64_t s) {
  run_.seed = s;
  return *this;
}

RunBuilder& RunBuilder::description(std::string d) {
  run_.description = std::move(d);
  return *this;
}

RunBuilder& RunBuilder::generator(std::string g) {
  run_.generator = std::move(g);
  return *this;
}

EndpointId RunBuilder::endpoint(std::string name, std::string addr, std::uint16_t port,
                                std::optional<std::uint32_t> isn,
                                std::optional<tcp::State> initial_state) {
  run_.endpoints.push_back(Endpoint{std::move(name), std::move(addr), port, isn, initial_state});
  return run_.endpoints.size() - 1;
}

PacketEvent& RunBuilder::send(Instant sent, EndpointId from, EndpointId to, TcpFields f,
                              Instant arrived) {
  return packet(PacketEvent{.sent = sent,
                            .arrived = arrived,
                            .from = from,
                            .to = to,
                            .tcp = std::move(f),
                            .fate = Fate::kDelivered,
                            .reason = {},
                            .raw_hex = {}});
}

PacketEvent& RunBuilder::drop(Instant sent, EndpointId from, EndpointId to, TcpFields f,
                              std::string reason) {
  return packet(PacketEvent{.sent = sent,
                            .arrived = std::nullopt,
                            .from = from,
                            .to = to,
                            .tcp = std::move(f),
                            .fate = Fate::kDropped,
                            .reason = std::move(reason),
                            .raw_hex = {}});
}

PacketEvent& RunBuilder::packet(PacketEvent p) {
  run_.events.emplace_back(std::move(p));
  return std::get<PacketEvent>(run_.events.back());
}

RunBuilder& RunBuilder::state(Instant time, EndpointId e, tcp::State from, tcp::State to,
                              std::string cause, std::string rfc) {
  run_.events.emplace_back(StateEvent{time, e, from, to, std::move(cause), std::move(rfc)});
  return *this;
}

RunBuilder& RunBuilder::note(Instant time, std::optional<EndpointId> e, std::string text) {
  run_.events.emplace_back(NoteEvent{time, e, std::move(text)});
  return *this;
}

RunBuilder& RunBuilder::trace(EndpointId e, const tcp::TraceEvent& t) {
  if (t.kind == tcp::TraceKind::kStateChange) {
    return state(t.at, e, t.from, t.to, std::string(t.cause), std::string(t.rfc));
  }
  std::string what;
  switch (t.kind) {
    case tcp::TraceKind::kStateChange:
      break;
    case tcp::TraceKind::kDrop:
      what = fmt::format("drop ({})", tcp::to_string(t.drop));
      break;
    case tcp::TraceKind::kRstSent:
      what = "RST sent";
      break;
    case tcp::TraceKind::kChallengeAck:
      what = "challenge ACK";
      break;
    case tcp::TraceKind::kRetransmit:
      what = "retransmit";
      break;
    case tcp::TraceKind::kTimerFired:
      what = "timer";
      break;
    case tcp::TraceKind::kUserCall:
      what = "user";
      break;
  }
  std::string text = t.cause.empty() ? what : fmt::format("{}: {}", what, t.cause);
  if (!t.rfc.empty()) text += fmt::format(" ({})", t.rfc);
  return note(t.at, e, std::move(text));
}

Run RunBuilder::build() const {
  Run r = run_;
  std::ranges::stable_sort(
      r.events, [](const Event& a, const Event& b) { return event_time(a) < event_time(b); });
  return r;
}

}  // namespace synack::viz
