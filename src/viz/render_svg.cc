// SPDX-License-Identifier: Apache-2.0
// Standalone SVG ladder: lifelines, state boxes, and each segment a sloped
// arrow from its send time to its arrival time (dropped ones end in ✗).
//
// Vertical position is by event order, not proportional to time (an RTO of
// 1 s next to 25 ms delays would otherwise leave pages of blank space):
// entries at the same instant share a row unless they would overlap.
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <numbers>
#include <set>

#include "viz/analysis.hpp"
#include "viz/label.hpp"
#include "viz/render.hpp"
#include "viz/svg.hpp"
#include "viz/timeline.hpp"

namespace synack::viz {

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        // Control characters are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

namespace {

constexpr int kStep = 40;   // px between rows
constexpr int kTop = 130;   // y of the first row
constexpr int kLane = 500;  // px between two neighbouring lifelines
constexpr int kLeft = 200;  // x of the first lifeline
constexpr int kBoxW = 118;  // state box width
constexpr int kBoxH = 20;

std::string_view seg_class(TcpFlags f) {
  if (f.rst()) return "rst";
  if (f.syn()) return "syn";
  if (f.fin()) return "fin";
  return "ack";
}

// y of every timeline entry: same-instant entries share a row unless two
// would draw on the same endpoint's spot.
struct Rows {
  std::vector<int> send_y;    // per event index (sends, states, notes)
  std::vector<int> arrive_y;  // per event index (arrivals)
  int bottom = kTop;
};

Rows assign_rows(const Run& run, const std::vector<TimelineEntry>& timeline) {
  Rows r;
  r.send_y.assign(run.events.size(), kTop);
  r.arrive_y.assign(run.events.size(), kTop);
  int y = kTop - kStep;
  std::optional<Instant> row_time;
  std::set<std::pair<int, std::size_t>> used;  // (kind, endpoint) on the current row
  for (const auto& e : timeline) {
    const Event& ev = run.events[e.event_index];
    std::pair<int, std::size_t> key{0, 0};
    if (e.kind == TimelineEntry::Kind::kArrival) {
      key = {1, std::get<PacketEvent>(ev).to};
    } else if (const auto* p = std::get_if<PacketEvent>(&ev)) {
      key = {2, p->from};
    } else if (const auto* s = std::get_if<StateEvent>(&ev)) {
      key = {3, s->endpoint};
    } else {
      key = {4, SIZE_MAX};
    }
    const bool note = key.first == 4;
    const bool blocked = used.contains(key) || used.contains({4, 0}) || (note && !used.empty());
    if (!row_time || *row_time != e.time || blocked) {
      y += kStep;
      used.clear();
      row_time = e.time;
    }
    used.insert(key);
    if (note) used.insert({4, 0});  // nothing else joins a note's row
    (e.kind == TimelineEntry::Kind::kArrival ? r.arrive_y : r.send_y)[e.event_index] = y;
  }
  r.bottom = y + kStep;
  return r;
}

class SvgLadder {
 public:
  SvgLadder(const Run& run, const RenderOptions& opt)
      : run_(run),
        opt_(opt),
        an_(analyze(run, opt.absolute)),
        timeline_(build_timeline(run)),
        rows_(assign_rows(run, timeline_)) {
    const std::size_t n = run.endpoints.size();
    for (std::size_t i = 0; i < n; ++i) x_.push_back(kLeft + static_cast<int>(i) * kLane);
    width_ = x_.back() + kBoxW + (opt.explain ? 640 : 40);
    height_ = rows_.bottom + 30;
  }

  std::string render() {
    header();
    for (std::size_t i = 0; i < run_.events.size(); ++i) {
      const Event& ev = run_.events[i];
      if (const auto* p = std::get_if<PacketEvent>(&ev)) {
        packet(i, *p);
      } else if (const auto* s = std::get_if<StateEvent>(&ev)) {
        state(i, *s);
      } else {
        note(i, std::get<NoteEvent>(ev));
      }
    }
    out_ += "</svg>\n";
    return std::move(out_);
  }

 private:
  void header() {
    out_ += fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"synack-ladder\" width=\"{0}\" "
        "height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"DejaVu Sans Mono, Menlo, "
        "Consolas, monospace\" font-size=\"12\">\n",
        width_, height_);
    out_ += fmt::format("<title>{}</title>\n", xml_escape(run_.title));
    out_ += R"(<defs>
<style>
.lifeline{stroke:#9aa0a6;stroke-width:1.5;stroke-dasharray:4 3}
.seg line{stroke-width:1.6}
.syn line{stroke:#1f6fb2} .syn text.lbl{fill:#1f6fb2}
.fin line{stroke:#8e44ad} .fin text.lbl{fill:#8e44ad}
.rst line{stroke:#c0392b} .rst text.lbl{fill:#c0392b}
.ack line{stroke:#333333} .ack text.lbl{fill:#222222}
.dropped line{stroke-dasharray:6 4}
.tag{fill:#b9770e}
.x{fill:#c0392b;font-size:18px;font-weight:bold}
.state rect{fill:#e8f5e9;stroke:#2e7d32;rx:4}
.state text{fill:#1b5e20;font-weight:bold}
.note{fill:#666666;font-style:italic;font-size:11px}
.why{fill:#555555;font-size:11px}
.time{fill:#555555;font-size:11px}
.hdr{font-weight:bold;font-size:14px}
.addr{fill:#555555}
.title{font-weight:bold;font-size:15px}
</style>
)";
    for (const char* c : {"syn", "fin", "rst", "ack"}) {
      static const std::map<std::string_view, std::string_view> kColour{
          {"syn", "#1f6fb2"}, {"fin", "#8e44ad"}, {"rst", "#c0392b"}, {"ack", "#333333"}};
      out_ += fmt::format(
          "<marker id=\"head-{0}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
          "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">"
          "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"{1}\"/></marker>\n",
          c, kColour.at(c));
    }
    out_ += "</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
    std::string title = run_.title.empty() ? run_.scenario : run_.title;
    if (run_.seed) title += fmt::format(" (seed {})", run_.seed);
    out_ += fmt::format("<text class=\"title\" x=\"12\" y=\"24\">{}</text>\n", xml_escape(title));
    out_ += fmt::format(
        "<text class=\"time\" x=\"70\" y=\"{}\" text-anchor=\"end\">t (ms)</text>\n", kTop - 40);
    for (std::size_t e = 0; e < x_.size(); ++e) {
      const auto& ep = run_.endpoints[e];
      out_ += fmt::format(
          "<text class=\"hdr\" x=\"{0}\" y=\"50\" text-anchor=\"middle\">{1}</text>\n"
          "<text class=\"addr\" x=\"{0}\" y=\"66\" text-anchor=\"middle\">{2}</text>\n"
          "<line class=\"lifeline\" x1=\"{0}\" y1=\"{3}\" x2=\"{0}\" y2=\"{4}\"/>\n",
          x_[e], xml_escape(ep.name), xml_escape(ep.address()), kTop - 30, rows_.bottom);
      if (auto s = run_.initial_state(e)) state_box(e, kTop - 30, to_string(*s), {}, std::nullopt);
    }
    // Time labels, once per row.
    std::set<int> seen;
    for (const auto& t : timeline_) {
      const Event& ev = run_.events[t.event_index];
      const int y =
          (t.kind == TimelineEntry::Kind::kArrival ? rows_.arrive_y : rows_.send_y)[t.event_index];
      if (!seen.insert(y).second) continue;
      (void)ev;
      out_ += fmt::format("<text class=\"time\" x=\"70\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
                          y + 4, time_ms(t.time));
    }
  }

  // A state box beside the lifeline, on the outer side for the end columns.
  void state_box(EndpointId e, int y, std::string_view name, std::string_view why,
                 std::optional<std::size_t> event_index) {
    int bx = x_[e] - kBoxW / 2;
    if (e == 0 && x_.size() > 1) bx = x_[e] - kBoxW - 8;
    if (e + 1 == x_.size() && x_.size() > 1) bx = x_[e] + 8;
    out_ += fmt::format(
        "<g class=\"state\"{}><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\"/>"
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        event_index ? fmt::format(" data-i=\"{}\"", *event_index) : std::string(), bx,
        y - kBoxH / 2, kBoxW, kBoxH, bx + kBoxW / 2, y + 4, xml_escape(name));
    if (!why.empty()) out_ += fmt::format("<title>{}</title>", xml_escape(why));
    out_ += "</g>\n";
  }

  void state(std::size_t i, const StateEvent& s) {
    if (s.endpoint >= x_.size()) return;
    const int y = rows_.send_y[i];
    const std::string why =
        fmt::format("{} → {}: {}", to_string(s.from), to_string(s.to), explain_text(s));
    state_box(s.endpoint, y, to_string(s.to), why, i);
    if (opt_.explain) {
      // Explanations go in a gutter right of the diagram, one line per change.
      const int line = why_lines_[y]++;
      out_ += fmt::format("<text class=\"why\" data-i=\"{}\" x=\"{}\" y=\"{}\">{}: {}</text>\n", i,
                          x_.back() + kBoxW + 24, y + 4 + 13 * line,
                          xml_escape(run_.endpoints[s.endpoint].name), xml_escape(why));
    }
  }

  void note(std::size_t i, const NoteEvent& n) {
    const int y = rows_.send_y[i] + 4;
    int x = (x_.front() + x_.back()) / 2;
    std::string_view anchor = "middle";
    if (n.endpoint && *n.endpoint < x_.size()) {
      const bool right = *n.endpoint + 1 == x_.size() && x_.size() > 1;
      x = right ? x_[*n.endpoint] - 8 : x_[*n.endpoint] + 8;
      anchor = right ? "end" : "start";
    }
    out_ += fmt::format(
        "<text class=\"note\" data-i=\"{}\" x=\"{}\" y=\"{}\" text-anchor=\"{}\">"
        "{}</text>\n",
        i, x, y, anchor, xml_escape(n.text));
  }

  void packet(std::size_t i, const PacketEvent& p) {
    if (p.from >= x_.size() || p.to >= x_.size()) return;
    const PacketInfo& info = *an_.for_event(i);
    const double x1 = x_[p.from], y1 = rows_.send_y[i];
    double x2 = x_[p.to], y2 = p.arrived ? rows_.arrive_y[i] : y1 + kStep * 0.5;
    const bool dropped = p.fate == Fate::kDropped;
    if (dropped) x2 = x1 + (x2 - x1) * 0.55;
    const std::string_view cls = seg_class(p.tcp.flags);
    out_ += fmt::format("<g class=\"seg {}{}\" id=\"seg-{}\" data-n=\"{}\" data-i=\"{}\">", cls,
                        dropped ? " dropped" : "", info.number, info.number, i);
    std::string tip;
    for (const auto& [k, v] : packet_details(run_, p, info, an_)) tip += k + ": " + v + "\n";
    out_ += fmt::format("<title>{}</title>", xml_escape(tip));
    // A wide invisible line makes hovering easy.
    out_ += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{3:.1f}\" stroke=\"transparent\" "
        "style=\"stroke:transparent;stroke-width:12\"/>",
        x1, y1, x2, y2);
    out_ += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"{}/>", x1, y1,
                        x2, y2, dropped ? "" : fmt::format(" marker-end=\"url(#head-{})\"", cls));
    if (dropped || p.fate == Fate::kCorrupted) {
      out_ +=
          fmt::format("<text class=\"x\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">✗</text>",
                      x2, y2 + 6);
    }
    label(p, info, x1, y1, x2, y2);
    out_ += "</g>\n";
  }

  // The label along the arrow, above it, rotated to its slope.
  void label(const PacketEvent& p, const PacketInfo& info, double x1, double y1, double x2,
             double y2) {
    const double mx = (x1 + x2) / 2, my = (y1 + y2) / 2;
    const double dx = std::abs(x2 - x1);
    const double dy = x2 >= x1 ? y2 - y1 : y1 - y2;
    const double angle = std::atan2(dy, dx) * 180.0 / std::numbers::pi;
    std::string tags;
    for (const auto& t : info.tag_texts()) tags += " " + t;
    if (p.fate != Fate::kDelivered && p.fate != Fate::kDropped) tags += " (" + fate_text(p) + ")";
    out_ += fmt::format(
        "<text class=\"lbl\" x=\"{0:.1f}\" y=\"{1:.1f}\" text-anchor=\"middle\" "
        "transform=\"rotate({2:.2f} {0:.1f} {3:.1f})\">{4}",
        mx, my - 5, angle, my, xml_escape(segment_label(p, info, an_)));
    if (!tags.empty()) out_ += fmt::format("<tspan class=\"tag\">{}</tspan>", xml_escape(tags));
    out_ += "</text>";
    if (p.fate == Fate::kDropped) {
      out_ += fmt::format(
          "<text class=\"why\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\">{}</text>",
          x2 + (x2 >= x1 ? 12 : -12), y2 + 4, x2 >= x1 ? "start" : "end", xml_escape(fate_text(p)));
    }
  }

  const Run& run_;
  RenderOptions opt_;
  Analysis an_;
  std::vector<TimelineEntry> timeline_;
  Rows rows_;
  std::vector<int> x_;
  std::map<int, int> why_lines_;  // explanation lines already on each row
  int width_ = 0, height_ = 0;
  std::string out_;
};

}  // namespace

std::string render_svg(const Run& run, const RenderOptions& opt) {
  if (run.endpoints.empty()) {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>\n";
  }
  return SvgLadder(run, opt).render();
}

}  // namespace synack::viz
