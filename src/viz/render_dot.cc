// SPDX-License-Identifier: Apache-2.0
// Graphviz DOT: the RFC 9293 §3.3.2 state diagram (tcp::state_diagram_edges)
// with the edges this run took drawn bold and red, labelled with who took
// them; states visited are filled. A transition the diagram does not have is
// added dashed, so nothing the run did is hidden.
#include <fmt/format.h>

#include <map>
#include <set>

#include "viz/render.hpp"

namespace synack::viz {

namespace {

std::string dot_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

using Key = std::pair<tcp::State, tcp::State>;

}  // namespace

std::string render_dot(const Run& run, const RenderOptions& /*opt*/) {
  std::map<Key, std::set<std::string>> taken;  // edge → endpoint names
  std::set<tcp::State> visited;
  for (EndpointId e = 0; e < run.endpoints.size(); ++e) {
    if (auto s = run.initial_state(e)) visited.insert(*s);
  }
  for (const auto& ev : run.events) {
    if (const auto* s = std::get_if<StateEvent>(&ev)) {
      const std::string who =
          s->endpoint < run.endpoints.size() ? run.endpoints[s->endpoint].name : "?";
      taken[{s->from, s->to}].insert(who);
      visited.insert(s->from);
      visited.insert(s->to);
    }
  }
  std::string out = "digraph tcp_states {\n";
  out += fmt::format(
      "  label=\"{}\";\n  labelloc=t;\n",
      dot_escape("RFC 9293 state diagram: " + (run.title.empty() ? run.scenario : run.title)));
  out += "  rankdir=TB;\n  node [shape=box, style=\"rounded\", fontname=\"Helvetica\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=10, color=\"#888888\"];\n";
  for (std::size_t i = 0; i < tcp::kStateCount; ++i) {
    const auto s = static_cast<tcp::State>(i);
    out += fmt::format("  \"{}\"{};\n", to_string(s),
                       visited.contains(s)
                           ? " [style=\"rounded,filled,bold\", fillcolor=\"#ffe0e0\", color=red]"
                           : "");
  }
  std::set<Key> drawn;
  for (const auto& e : tcp::state_diagram_edges()) {
    const Key k{e.from, e.to};
    std::string label = fmt::format("{}\\n{}", dot_escape(e.event), dot_escape(e.action));
    std::string attrs;
    if (auto it = taken.find(k); it != taken.end() && !drawn.contains(k)) {
      label += fmt::format("\\n[{}]", fmt::join(it->second, ", "));
      attrs = ", color=red, fontcolor=red, penwidth=2.5, style=bold";
    }
    drawn.insert(k);
    out += fmt::format("  \"{}\" -> \"{}\" [label=\"{}\"{}];\n", to_string(e.from), to_string(e.to),
                       label, attrs);
  }
  for (const auto& [k, who] : taken) {
    if (drawn.contains(k)) continue;
    out += fmt::format(
        "  \"{}\" -> \"{}\" [label=\"not in the RFC diagram\\n[{}]\", color=red, fontcolor=red, "
        "penwidth=2.5, style=dashed];\n",
        to_string(k.first), to_string(k.second), fmt::join(who, ", "));
  }
  out += "}\n";
  return out;
}

}  // namespace synack::viz
