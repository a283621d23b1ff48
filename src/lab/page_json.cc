// SPDX-License-Identifier: Apache-2.0
#include "lab/page_json.hpp"

#include <chrono>

#include <fmt/core.h>

#include "viz/analysis.hpp"
#include "viz/label.hpp"
#include "viz/render.hpp"

namespace synack::lab {
namespace {

using json = nlohmann::ordered_json;

/// Milliseconds since the start of the run.
double ms(Instant t) {
  return std::chrono::duration<double, std::milli>(t.time_since_epoch()).count();
}

json packet_json(const viz::Run& run, const viz::PacketEvent& p, const viz::PacketInfo& info,
                 const viz::Analysis& an) {
  json fields = json::array();
  for (const auto& [k, v] : viz::packet_details(run, p, info, an)) fields.push_back({k, v});
  std::string text = viz::segment_label(p, info, an);
  for (const auto& t : info.tag_texts()) text += " " + t;
  return {{"kind", "packet"},
          {"n", info.number},
          {"from", p.from},
          {"to", p.to},
          {"flags", p.tcp.flags.to_string()},
          {"len", p.tcp.len},
          {"t", ms(p.sent)},
          {"arrived", p.arrived ? json(ms(*p.arrived)) : json(nullptr)},
          {"fate", p.fate == viz::Fate::kDelivered ? "delivered" : viz::fate_text(p)},
          {"copy", p.fate == viz::Fate::kDuplicated},
          {"text", text},
          {"fields", fields}};
}

json events_json(const viz::Run& run) {
  const viz::Analysis an = viz::analyze(run);
  json out = json::array();
  for (std::size_t i = 0; i < run.events.size(); ++i) {
    const viz::Event& ev = run.events[i];
    json e;
    if (const auto* p = std::get_if<viz::PacketEvent>(&ev)) {
      e = packet_json(run, *p, *an.for_event(i), an);
    } else if (const auto* s = std::get_if<viz::StateEvent>(&ev)) {
      e = {{"kind", "state"},
           {"endpoint", s->endpoint},
           {"t", ms(s->time)},
           {"from", tcp::to_string(s->from)},
           {"to", tcp::to_string(s->to)},
           {"why", viz::explain_text(*s)}};
    } else {
      const auto& n = std::get<viz::NoteEvent>(ev);
      e = {{"kind", "note"},
           {"endpoint", n.endpoint ? json(*n.endpoint) : json(nullptr)},
           {"t", ms(n.time)},
           {"text", n.text}};
    }
    e["i"] = i;
    out.push_back(std::move(e));
  }
  return out;
}

json endpoints_json(const viz::Run& run) {
  json eps = json::array();
  for (viz::EndpointId e = 0; e < run.endpoints.size(); ++e) {
    const auto init = run.initial_state(e);
    eps.push_back({{"name", run.endpoints[e].name},
                   {"address", run.endpoints[e].address()},
                   {"initial", init ? std::string(tcp::to_string(*init)) : std::string("-")}});
  }
  return eps;
}

json checks_json(const scenarios::Result& now, const scenarios::Result& was) {
  json out = json::array();
  for (const auto& c : now.checks) {
    // The same check in the scenario's own run (null: it asks something else there).
    json had = nullptr;
    for (const auto& w : was.checks) {
      if (w.what == c.what) had = w.ok;
    }
    out.push_back({{"what", c.what}, {"ok", c.ok}, {"original_ok", had}});
  }
  return out;
}

std::string close_text(scenarios::CloseFirst c) {
  switch (c) {
    case scenarios::CloseFirst::kClient:
      return "client";
    case scenarios::CloseFirst::kServer:
      return "server";
    case scenarios::CloseFirst::kScenario:
      break;
  }
  return "";
}

json params_json(const Params& p) {
  json faults = json::array();
  for (const auto& f : p.faults) faults.push_back(f.to_string());
  return {{"scenario", p.scenario},
          {"seed", p.seed},
          {"scripted", p.scripted},
          {"rtt_ms", ms(Instant{} + p.rtt)},
          {"loss", p.loss},
          {"msl_ms", ms(Instant{} + p.msl)},
          {"close", close_text(p.close)},
          {"axis", p.axis == viz::TimeAxis::kLinear ? "linear"
                   : p.axis == viz::TimeAxis::kLog  ? "log"
                                                    : "event"},
          {"faults", faults}};
}

}  // namespace

json outcome_json(const Outcome& o) {
  const viz::RenderOptions render{.explain = true, .time_axis = o.params.axis};
  const viz::Run& run = o.what_if.run;
  return {
      {"query", o.params.to_query()},
      {"params", params_json(o.params)},
      {"title", run.title},
      {"description", run.description},
      {"svg", viz::render_svg(run, render)},
      {"original_svg", viz::render_svg(o.original.run, render)},
      {"endpoints", endpoints_json(run)},
      {"events", events_json(run)},
      {"checks", checks_json(o.what_if, o.original)},
      {"diff",
       {{"changed", o.diff.changed}, {"missing", o.diff.missing}, {"summary", o.diff.summary}}}};
}

json scenarios_json() {
  json out = json::array();
  for (const auto& s : scenarios::all()) {
    out.push_back({{"name", s.name}, {"summary", s.summary}, {"close_order", s.close_order}});
  }
  return out;
}

}  // namespace synack::lab
