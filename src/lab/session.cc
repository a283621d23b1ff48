// SPDX-License-Identifier: Apache-2.0
#include "lab/session.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <variant>

#include <fmt/core.h>

namespace synack::lab {
namespace {

using Error = std::unexpected<std::string>;

scenarios::Options base_options(const Params& p) {
  return {.seed = p.seed,
          .scripted_faults = p.scripted,
          .faults = {},
          .rtt = p.rtt,
          .loss = p.loss,
          .msl = p.msl,
          .close_first = p.close};
}

std::vector<const viz::PacketEvent*> packets_of(const viz::Run& run) {
  std::vector<const viz::PacketEvent*> out;
  for (const auto& ev : run.events) {
    if (const auto* p = std::get_if<viz::PacketEvent>(&ev)) out.push_back(p);
  }
  return out;
}

// Fault `f` (the `k`-th, 1-based) as a link fault of the run `r` it was clicked in.
std::expected<scenarios::LinkFault, std::string> to_link_fault(const scenarios::Result& r,
                                                               const SegmentFault& f,
                                                               std::size_t k) {
  const auto packets = packets_of(r.run);
  const auto n = f.segment;
  if (n > packets.size() || n > r.origins.size()) {
    return Error(fmt::format("fault {} ({}): the run has only {} segments", k, f.to_string(),
                             packets.size()));
  }
  const viz::PacketEvent& p = *packets[n - 1];
  const scenarios::SegmentOrigin o = r.origins[n - 1];
  if (p.fate == viz::Fate::kDuplicated || o.nth == 0) {
    return Error(
        fmt::format("fault {} ({}): segment #{} is a copy made by the network; "
                    "pick the segment it copies",
                    k, f.to_string(), n));
  }
  sim::Fault sf{.match = {.flags = std::nullopt, .nth = o.nth}};
  switch (f.kind) {
    case FaultKind::kDrop:
      sf.action = sim::FaultAction::kDrop;
      break;
    case FaultKind::kDelay:
      sf.action = sim::FaultAction::kDelay;
      sf.delay = f.by;
      break;
    case FaultKind::kDup:
      sf.action = sim::FaultAction::kDupAt;
      sf.at = p.sent + f.by;
      break;
  }
  return scenarios::LinkFault{o.link, sf};
}

// (kind, sender/endpoint, flags or from-state, seq or to-state, ack, len, time, fate)
using Key = std::tuple<int, std::size_t, unsigned, std::uint32_t, std::uint32_t, std::uint32_t,
                       std::int64_t, int>;

std::optional<Key> key_of(const viz::Event& ev) {
  if (const auto* p = std::get_if<viz::PacketEvent>(&ev)) {
    return Key{0,
               p->from,
               p->tcp.flags.bits,
               p->tcp.seq,
               p->tcp.ack,
               p->tcp.len,
               p->sent.time_since_epoch().count(),
               static_cast<int>(p->fate)};
  }
  if (const auto* s = std::get_if<viz::StateEvent>(&ev)) {
    return Key{
        1, s->endpoint, static_cast<unsigned>(s->from),     static_cast<std::uint32_t>(s->to),
        0, 0,           s->time.time_since_epoch().count(), 0};
  }
  return std::nullopt;
}

// Says on the ladder which segments the learner's faults hit: "dropped: by
// you (drop:3)", "delayed 500 ms in the network (you: delay:3:500ms)".
void label_faults(scenarios::Result& r, const std::vector<scenarios::LinkFault>& resolved,
                  const std::vector<SegmentFault>& faults) {
  std::vector<viz::PacketEvent*> packets;
  for (auto& ev : r.run.events) {
    if (auto* p = std::get_if<viz::PacketEvent>(&ev)) packets.push_back(p);
  }
  for (std::size_t k = 0; k < resolved.size() && k < faults.size(); ++k) {
    for (std::size_t j = 0; j < packets.size() && j < r.origins.size(); ++j) {
      if (r.origins[j].link != resolved[k].link ||
          r.origins[j].nth != resolved[k].fault.match.nth) {
        continue;
      }
      viz::PacketEvent& p = *packets[j];
      const std::string what = faults[k].to_string();
      if (faults[k].kind == FaultKind::kDrop && p.fate == viz::Fate::kDropped) {
        p.reason = fmt::format("by you ({})", what);
      } else if (faults[k].kind != FaultKind::kDrop) {
        p.reason += fmt::format("{}(you: {})", p.reason.empty() ? "" : " ", what);
      }
    }
  }
}

}  // namespace

Difference compare(const viz::Run& original, const viz::Run& what_if) {
  std::map<Key, int> unmatched;  // original keys not yet matched, with multiplicity
  for (const auto& ev : original.events) {
    if (auto k = key_of(ev)) ++unmatched[*k];
  }
  Difference d;
  std::size_t segments = 0;
  std::size_t states = 0;
  for (std::size_t i = 0; i < what_if.events.size(); ++i) {
    const auto k = key_of(what_if.events[i]);
    if (!k) continue;
    auto it = unmatched.find(*k);
    if (it != unmatched.end() && it->second > 0) {
      --it->second;
      continue;
    }
    d.changed.push_back(i);
    (std::get<0>(*k) == 0 ? segments : states) += 1;
  }
  for (const auto& [k, n] : unmatched) d.missing += static_cast<std::size_t>(n);
  if (d.changed.empty() && d.missing == 0) {
    d.summary = "same run as the scenario's own";
  } else {
    d.summary = fmt::format(
        "{} segment{} and {} state change{} are new or changed; {} event{} of the original "
        "run did not happen",
        segments, segments == 1 ? "" : "s", states, states == 1 ? "" : "s", d.missing,
        d.missing == 1 ? "" : "s");
  }
  return d;
}

std::expected<Outcome, std::string> run(const Params& p) {
  const scenarios::Scenario* s = scenarios::find(p.scenario);
  if (s == nullptr) {
    return Error(fmt::format("unknown scenario \"{}\" (pick one from the list)", p.scenario));
  }
  if (p.close != scenarios::CloseFirst::kScenario && !s->close_order) {
    return Error(
        fmt::format("close: the {} scenario closes its own way; the close order "
                    "can be changed in handshake",
                    p.scenario));
  }
  scenarios::Options o = base_options(p);
  for (std::size_t k = 0; k < p.faults.size(); ++k) {
    const scenarios::Result clicked_in = s->run(o);
    auto f = to_link_fault(clicked_in, p.faults[k], k + 1);
    if (!f) return Error(f.error());
    o.faults.push_back(*f);
  }
  Outcome out{.params = p, .original = s->run({.seed = p.seed}), .what_if = s->run(o), .diff = {}};
  label_faults(out.what_if, o.faults, p.faults);
  out.diff = compare(out.original.run, out.what_if.run);
  return out;
}

}  // namespace synack::lab
