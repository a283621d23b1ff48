// SPDX-License-Identifier: Apache-2.0
#include "scenarios/world.hpp"

#include <algorithm>
#include <map>

#include <fmt/core.h>

#include "sim/faults.hpp"
#include "stack/rng.hpp"
#include "tcp/state.hpp"
#include "wire/tcp.hpp"

namespace synack::scenarios {
namespace {

SipKey key_from(std::uint64_t seed, std::uint64_t stream) {
  SipKey k{};
  const std::uint64_t a = derive_seed(seed, stream);
  const std::uint64_t b = derive_seed(seed, stream + 1000);
  for (std::size_t i = 0; i < 8; ++i) {
    k[i] = static_cast<std::uint8_t>(a >> (8 * i));
    k[8 + i] = static_cast<std::uint8_t>(b >> (8 * i));
  }
  return k;
}

std::string state_comment(const viz::Run& run, const viz::StateEvent& s) {
  std::string text = fmt::format("{}: {} -> {}", run.endpoints[s.endpoint].name,
                                 tcp::to_string(s.from), tcp::to_string(s.to));
  if (!s.cause.empty()) text += fmt::format(" ({}", s.cause);
  if (!s.rfc.empty()) text += fmt::format("; {}", s.rfc);
  if (!s.cause.empty()) text += ")";
  return text;
}

// True if `e` goes from one participant to another.
bool between_participants(const std::vector<Participant>& who, const sim::PacketEvent& e) {
  auto is = [&](sim::NodeId n) {
    return std::ranges::any_of(who, [n](const Participant& p) { return p.node == n; });
  };
  return is(e.from) && is(e.to);
}

// Every segment a participant sent, stamped with its send time (a held copy:
// its late arrival), commented with the state changes up to it and its fate.
std::vector<Captured> capture_of(const sim::Recorder& rec, const viz::Run& run,
                                 const std::vector<Participant>& who) {
  std::vector<Captured> out;
  std::map<std::uint64_t, std::size_t> by_id;
  for (const auto& rp : rec.packets()) {
    const sim::PacketEvent& e = rp.event;
    if (!between_participants(who, e)) continue;
    if (e.kind == sim::PacketEventKind::kSent) {
      by_id[e.packet_id] = out.size();
      out.push_back({e.time, rp.bytes, {}});
    } else if (e.kind == sim::PacketEventKind::kDropped && by_id.contains(e.packet_id)) {
      out[by_id[e.packet_id]].comment = fmt::format("lost on the link: {}", drop_text(e.reason));
    } else if (e.kind == sim::PacketEventKind::kHeld) {
      out.push_back({e.arrival, rp.bytes, "old duplicate held back by the network, delivered now"});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Captured& a, const Captured& b) { return a.at < b.at; });
  // Attach each state change to the first segment sent at or after it (in
  // order), before the segment's own fate.
  std::vector<std::string> states(out.size());
  std::size_t next = 0;
  for (const auto& ev : run.events) {
    const auto* s = std::get_if<viz::StateEvent>(&ev);
    if (s == nullptr || out.empty()) continue;
    while (next < out.size() && out[next].at < s->time) ++next;
    std::string& lines = states[std::min(next, out.size() - 1)];
    lines += (lines.empty() ? "" : "\n") + state_comment(run, *s);
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (states[i].empty()) continue;
    out[i].comment = out[i].comment.empty() ? states[i] : states[i] + "\n" + out[i].comment;
  }
  return out;
}

// The origin (link, n-th TCP segment on it) of every PacketEvent of `run`:
// the run's segments are the participants' TCP segments in the order they
// were sent (a copy: that of the segment it copies).
std::vector<SegmentOrigin> origins_of(const sim::Recorder& rec, const viz::Run& run,
                                      const std::vector<Participant>& who) {
  std::vector<SegmentOrigin> sent;
  std::map<sim::LinkId, std::uint32_t> count;
  for (const auto& rp : rec.packets()) {
    const sim::PacketEvent& e = rp.event;
    if (e.kind != sim::PacketEventKind::kSent || !parse_ipv4_tcp(e.bytes)) continue;
    const std::uint32_t nth = ++count[e.link];
    if (between_participants(who, e)) sent.push_back({e.link, nth});
  }
  std::vector<SegmentOrigin> out;
  std::vector<const viz::PacketEvent*> originals;
  std::size_t next = 0;
  for (const auto& ev : run.events) {
    const auto* p = std::get_if<viz::PacketEvent>(&ev);
    if (p == nullptr) continue;
    if (p->fate != viz::Fate::kDuplicated) {
      out.push_back(next < sent.size() ? sent[next] : SegmentOrigin{});
      ++next;
      originals.push_back(p);
      continue;
    }
    SegmentOrigin o{};
    for (std::size_t k = 0; k < originals.size(); ++k) {
      if (originals[k]->sent == p->sent && originals[k]->from == p->from &&
          originals[k]->tcp == p->tcp) {
        o = out[k];
      }
    }
    out.push_back(o);
  }
  return out;
}

}  // namespace

World::World(const Options& o) : seed_(o.seed), what_if_(o), net_(o.seed) {
  rec_.attach(net_);
}

sim::Host& World::host(std::string name, Ipv4Addr addr,
                       const std::function<void(StackConfig&)>& tweak) {
  const std::size_t index = net_.node_count();
  StackConfig c;
  c.address = addr;
  c.secret = key_from(seed_, 2 * index);
  c.tcp.isn_secret = key_from(seed_, 2 * index + 1);
  if (tweak) tweak(c);
  if (what_if_.msl) c.tcp.msl = *what_if_.msl;
  return net_.emplace_node<sim::Host>(std::move(name), std::move(c), rec_.sink(index));
}

std::pair<sim::LinkId, sim::LinkId> World::link(sim::Node& a, sim::Node& b) {
  sim::LinkConfig config{.delay = what_if_.rtt ? *what_if_.rtt / 2 : kOneWay};
  config.impairment.loss = what_if_.loss;
  const auto ids = net_.connect(a.id(), b.id(), config);
  for (const LinkFault& f : what_if_.faults) {
    if (f.link == ids.first || f.link == ids.second) net_.link(f.link).add_fault(f.fault);
  }
  return ids;
}

void World::fault(sim::LinkId link, std::string_view text) {
  auto f = sim::parse_fault(text);
  if (!f) throw std::invalid_argument(f.error());  // a scenario bug, not user input
  if (what_if_.scripted_faults) net_.link(link).add_fault(*f);
}

void World::note(Instant at, std::optional<std::size_t> participant, std::string text) {
  notes_.push_back({at, participant, std::move(text)});
}

void World::run(Instant limit) {
  net_.loop().run_until_idle(limit, 10'000'000);
}

Participant World::participant(sim::Node& n, std::string name, std::uint16_t port,
                               std::optional<tcp::State> initial) const {
  Participant p;
  p.name = std::move(name);
  p.node = n.id();
  p.addr = n.address();
  p.port = port;
  if (dynamic_cast<sim::Host*>(&n) != nullptr) p.trace_host = n.id();
  p.initial_state = initial;
  return p;
}

Result World::finish(const RunInfo& info, const std::vector<Participant>& who) const {
  Result r;
  RunInfo i = info;
  i.seed = seed_;
  r.run = to_run(rec_, who, notes_, i);
  r.capture = capture_of(rec_, r.run, who);
  r.origins = origins_of(rec_, r.run, who);
  return r;
}

// ---- Result -----------------------------------------------------------------------------

bool Result::passed() const {
  return std::ranges::all_of(checks, [](const Check& c) { return c.ok; });
}

std::string Result::failures() const {
  std::string out;
  for (const auto& c : checks) {
    if (!c.ok) out += fmt::format("story check failed: {}\n", c.what);
  }
  return out;
}

// ---- questions --------------------------------------------------------------------------

std::vector<tcp::State> state_path(const viz::Run& run, viz::EndpointId e) {
  std::vector<tcp::State> path;
  if (auto s = run.initial_state(e)) path.push_back(*s);
  for (const auto& ev : run.events) {
    if (const auto* s = std::get_if<viz::StateEvent>(&ev); s && s->endpoint == e) {
      path.push_back(s->to);
    }
  }
  return path;
}

bool has_path(const std::vector<tcp::State>& path, std::vector<tcp::State> want) {
  return std::ranges::search(path, want).begin() != path.end();
}

std::vector<const viz::PacketEvent*> sent_by(const viz::Run& run, viz::EndpointId from) {
  std::vector<const viz::PacketEvent*> out;
  for (const auto& ev : run.events) {
    if (const auto* p = std::get_if<viz::PacketEvent>(&ev);
        p && p->from == from && p->fate != viz::Fate::kDuplicated) {
      out.push_back(p);
    }
  }
  return out;
}

std::size_t count_flags(const std::vector<const viz::PacketEvent*>& ps, std::uint8_t flags) {
  return static_cast<std::size_t>(std::ranges::count_if(
      ps, [flags](const viz::PacketEvent* p) { return p->tcp.flags.bits == flags; }));
}

Instant first_entry(const viz::Run& run, viz::EndpointId e, tcp::State to) {
  for (const auto& ev : run.events) {
    if (const auto* s = std::get_if<viz::StateEvent>(&ev); s && s->endpoint == e && s->to == to) {
      return s->time;
    }
  }
  return kNever;
}

bool has_note(const viz::Run& run, std::optional<viz::EndpointId> e, std::string_view text) {
  for (const auto& ev : run.events) {
    if (const auto* n = std::get_if<viz::NoteEvent>(&ev);
        n && n->endpoint == e && n->text.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace synack::scenarios

namespace synack::scenarios {

Duo make_duo(World& w, const std::function<void(StackConfig&)>& client_cfg,
             const std::function<void(StackConfig&)>& server_cfg) {
  sim::Host& c = w.host("client", kClientAddr, client_cfg);
  sim::Host& s = w.host("server", kServerAddr, server_cfg);
  auto [cs, sc] = w.link(c, s);
  return {c, s, cs, sc};
}

std::vector<Participant> duo_participants(const World& w, Duo& d,
                                          std::optional<tcp::State> server_initial) {
  return {w.participant(d.client, "client", kClientPort, tcp::State::kClosed),
          w.participant(d.server, "server", kServerPort, server_initial)};
}

sim::ClientOptions client_at(std::vector<sim::ClientAction> script, tcp::Endpoint remote) {
  sim::ClientOptions o;
  o.remote = remote;
  o.local_port = kClientPort;
  o.script = std::move(script);
  return o;
}

}  // namespace synack::scenarios
