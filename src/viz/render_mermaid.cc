// SPDX-License-Identifier: Apache-2.0
// Mermaid sequenceDiagram: one participant per endpoint, a message per
// segment (`->>` delivered, `-x` dropped or corrupted), `Note over` for state
// changes and notes.
#include <fmt/format.h>

#include <cctype>

#include "viz/analysis.hpp"
#include "viz/label.hpp"
#include "viz/render.hpp"

namespace synack::viz {

namespace {

// Mermaid treats ; # < > as syntax inside messages: write them as entity codes.
std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case ';':
        out += "#59;";
        break;
      case '#':
        out += "#35;";
        break;
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '\n':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A participant id: letters, digits and '_' only, unique by index.
std::string participant_id(const Run& run, EndpointId e) {
  std::string id;
  for (char c : run.endpoints[e].name) {
    id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  if (id.empty() || !std::isalpha(static_cast<unsigned char>(id[0]))) id = "p" + id;
  for (EndpointId o = 0; o < e; ++o) {
    if (run.endpoints[o].name == run.endpoints[e].name) return fmt::format("{}_{}", id, e);
  }
  return id;
}

std::string over(const Run& run, std::optional<EndpointId> e) {
  if (e && *e < run.endpoints.size()) return participant_id(run, *e);
  return fmt::format("{},{}", participant_id(run, 0),
                     participant_id(run, run.endpoints.size() - 1));
}

}  // namespace

std::string render_mermaid(const Run& run, const RenderOptions& opt) {
  const Analysis an = analyze(run, opt.absolute);
  std::string out = "sequenceDiagram\n";
  if (!run.title.empty()) out += fmt::format("    title {}\n", escape(run.title));
  for (EndpointId e = 0; e < run.endpoints.size(); ++e) {
    const auto& ep = run.endpoints[e];
    out += fmt::format("    participant {} as {}<br/>{}\n", participant_id(run, e), escape(ep.name),
                       escape(ep.address()));
  }
  for (EndpointId e = 0; e < run.endpoints.size(); ++e) {
    if (auto s = run.initial_state(e)) {
      out += fmt::format("    Note over {}: {}\n", participant_id(run, e), to_string(*s));
    }
  }
  for (std::size_t i = 0; i < run.events.size(); ++i) {
    const Event& ev = run.events[i];
    if (const auto* p = std::get_if<PacketEvent>(&ev)) {
      if (p->from >= run.endpoints.size() || p->to >= run.endpoints.size()) continue;
      const PacketInfo& info = *an.for_event(i);
      std::string label = fmt::format("{}: {}", time_ms(p->sent), segment_label(*p, info, an));
      for (const auto& t : info.tag_texts()) label += " " + t;
      if (auto f = fate_text(*p); !f.empty()) label += fmt::format(" ({})", f);
      const bool lost = p->fate == Fate::kDropped || p->fate == Fate::kCorrupted;
      out += fmt::format("    {}{}{}: {}\n", participant_id(run, p->from), lost ? "-x" : "->>",
                         participant_id(run, p->to), escape(label));
    } else if (const auto* s = std::get_if<StateEvent>(&ev)) {
      if (s->endpoint >= run.endpoints.size()) continue;
      std::string text = std::string(to_string(s->to));
      if (opt.explain) text += "<br/>" + escape(explain_text(*s));
      out += fmt::format("    Note over {}: {}\n", participant_id(run, s->endpoint), text);
    } else {
      const auto& n = std::get<NoteEvent>(ev);
      out += fmt::format("    Note over {}: {}\n", over(run, n.endpoint), escape(n.text));
    }
  }
  return out;
}

}  // namespace synack::viz
