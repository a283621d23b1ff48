// SPDX-License-Identifier: Apache-2.0
// Standalone SVG ladder: lifelines, state boxes, and each segment a sloped
// arrow from its send time to its arrival time (dropped ones end in ✗).
//
// Vertical position is by event order, not proportional to time (an RTO of
// 1 s next to 25 ms delays would otherwise leave pages of blank space):
// entries at the same instant share a row unless they would overlap.
//
// No two texts overlap (layout(), checked by scenarios_layout_test): fixed
// texts (times, state boxes, notes, drop marks) are placed first; then each
// segment's label, horizontal on a white halo, goes to the first free spot
// along its arrow (middle, then nearer either end, above then below), else
// abbreviated to flags, seq and ack, else into the right-hand column as
// "#N: label". Lanes widen to the longest label; --explain text is wrapped
// into that column (72 characters), so its width is bounded.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <set>
#include <tuple>

#include "viz/analysis.hpp"
#include "viz/label.hpp"
#include "viz/render.hpp"
#include "viz/svg.hpp"
#include "viz/svg_layout.hpp"
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
constexpr double kLabelPx = 12;           // segment labels
constexpr double kSmallPx = 11;           // notes, times, explanations, drop reasons
constexpr std::size_t kGutterChars = 72;  // explanation column width, code points

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

Rows assign_rows(const Run& run, const std::vector<TimelineEntry>& timeline, TimeAxis axis) {
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
      y += kStep +
           (row_time ? static_cast<int>(kStep * time_gap_rows(axis, e.time - *row_time)) : 0);
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
        rows_(assign_rows(run, timeline_, opt.time_axis)) {
    // Lanes wide enough for the longest label, so a label fits between lifelines.
    double widest = 0;
    labels_.resize(run.events.size());
    for (std::size_t i = 0; i < run.events.size(); ++i) {
      const auto* p = std::get_if<PacketEvent>(&run.events[i]);
      if (p == nullptr) continue;
      labels_[i].text = label_text(*p, *an_.for_event(i));
      widest = std::max(widest, text_width(labels_[i].text, kLabelPx));
    }
    lane_ = std::max(kLane, static_cast<int>(widest) + 60);
    const std::size_t n = run.endpoints.size();
    for (std::size_t i = 0; i < n; ++i) x_.push_back(kLeft + static_cast<int>(i) * lane_);
    gutter_x_ = x_.back() + kBoxW + 24;
    layout();
    width_ = gutter_used_
                 ? gutter_x_ +
                       static_cast<int>(text_width(std::string(kGutterChars, 'x'), kSmallPx)) + 20
                 : x_.back() + kBoxW + 40;
    height_ = std::max(rows_.bottom, static_cast<int>(gutter_bottom_) + 10) + 30;
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
text.lbl{paint-order:stroke;stroke:#ffffff;stroke-width:4px;stroke-linejoin:round}
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
    const int bx = state_box_x(e);
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
    state_box(s.endpoint, y, to_string(s.to), why_text(s), i);
    // Explanations go in a column right of the diagram, wrapped (layout()).
    for (const auto& [line_y, line] : why_[i]) {
      out_ += fmt::format("<text class=\"why\" data-i=\"{}\" x=\"{}\" y=\"{:.1f}\">{}</text>\n", i,
                          gutter_x_, line_y, xml_escape(line));
    }
  }

  std::string why_text(const StateEvent& s) const {
    return fmt::format("{} → {}: {}", to_string(s.from), to_string(s.to), explain_text(s));
  }

  // Where a note goes: (x, baseline y, anchor).
  std::tuple<int, int, std::string_view> note_place(std::size_t i, const NoteEvent& n) const {
    const int y = rows_.send_y[i] + 4;
    int x = (x_.front() + x_.back()) / 2;
    std::string_view anchor = "middle";
    if (n.endpoint && *n.endpoint < x_.size()) {
      const bool right = *n.endpoint + 1 == x_.size() && x_.size() > 1;
      x = right ? x_[*n.endpoint] - 8 : x_[*n.endpoint] + 8;
      anchor = right ? "end" : "start";
    }
    return {x, y, anchor};
  }

  int state_box_x(EndpointId e) const {
    int bx = x_[e] - kBoxW / 2;
    if (e == 0 && x_.size() > 1) bx = x_[e] - kBoxW - 8;
    if (e + 1 == x_.size() && x_.size() > 1) bx = x_[e] + 8;
    return bx;
  }

  // The ends of a segment's arrow.
  struct Arrow {
    double x1, y1, x2, y2;
  };
  Arrow arrow(std::size_t i, const PacketEvent& p) const {
    const double x1 = x_[p.from], y1 = rows_.send_y[i];
    double x2 = x_[p.to];
    const double y2 = p.arrived ? rows_.arrive_y[i] : y1 + kStep * 0.5;
    if (p.fate == Fate::kDropped) x2 = x1 + (x2 - x1) * 0.55;
    return {x1, y1, x2, y2};
  }

  std::string label_text(const PacketEvent& p, const PacketInfo& info) const {
    std::string text = segment_label(p, info, an_);
    for (const auto& t : info.tag_texts()) text += " " + t;
    if (p.fate != Fate::kDelivered && p.fate != Fate::kDropped) text += " (" + fate_text(p) + ")";
    return text;
  }

  // ---- layout: every text box placed so that none intersects another ----

  // Placed boxes, indexed by 40 px bands of y (a box is in every band it touches).
  static int band(double y) { return static_cast<int>(std::floor(y / 40)); }
  bool free(const TextBox& b) const {
    for (int k = band(b.y0); k <= band(b.y1); ++k) {
      const auto it = placed_.find(k);
      if (it == placed_.end()) continue;
      for (const TextBox& o : it->second) {
        if (b.intersects(o)) return false;
      }
    }
    return true;
  }
  void place(const TextBox& b) {
    for (int k = band(b.y0); k <= band(b.y1); ++k) placed_[k].push_back(b);
  }

  // The next free line of the right-hand column at or below `y` (a baseline).
  double gutter_line(double y, std::string_view text) {
    gutter_used_ = true;
    double at = std::max(y, gutter_next_);
    while (!free(text_box(text, kSmallPx, gutter_x_, at, "start"))) at += 13;
    place(text_box(text, kSmallPx, gutter_x_, at, "start"));
    gutter_next_ = at + 13;
    gutter_bottom_ = std::max(gutter_bottom_, at);
    return at;
  }

  void place_fixed() {
    place(text_box(run_.title.empty() ? run_.scenario : run_.title, 15, 12, 24, "start"));
    place(text_box("t (ms)", kSmallPx, 70, kTop - 40, "end"));
    for (std::size_t e = 0; e < x_.size(); ++e) {
      place(text_box(run_.endpoints[e].name, 14, x_[e], 50, "middle"));
      place(text_box(run_.endpoints[e].address(), kLabelPx, x_[e], 66, "middle"));
      if (run_.initial_state(e)) {
        const int bx = state_box_x(e);
        place({double(bx), double(kTop - 30 - kBoxH / 2), double(bx + kBoxW),
               double(kTop - 30 + kBoxH / 2)});
      }
    }
    std::set<int> rows;
    for (const auto& t : timeline_) {
      const int y =
          (t.kind == TimelineEntry::Kind::kArrival ? rows_.arrive_y : rows_.send_y)[t.event_index];
      if (rows.insert(y).second) place(text_box(time_ms(t.time), kSmallPx, 70, y + 4, "end"));
    }
    for (std::size_t i = 0; i < run_.events.size(); ++i) {
      const Event& ev = run_.events[i];
      if (const auto* st = std::get_if<StateEvent>(&ev); st && st->endpoint < x_.size()) {
        const int bx = state_box_x(st->endpoint), y = rows_.send_y[i];
        place({double(bx), double(y - kBoxH / 2), double(bx + kBoxW), double(y + kBoxH / 2)});
      } else if (const auto* n = std::get_if<NoteEvent>(&ev)) {
        const auto [x, y, anchor] = note_place(i, *n);
        place(text_box(n->text, kSmallPx, x, y, anchor));
      } else if (const auto* p = std::get_if<PacketEvent>(&ev);
                 p && p->from < x_.size() && p->to < x_.size()) {
        const Arrow a = arrow(i, *p);
        if (p->fate == Fate::kDropped || p->fate == Fate::kCorrupted) {
          place(text_box("✗", 18, a.x2, a.y2 + 6, "middle"));
        }
        if (p->fate == Fate::kDropped) {
          const bool right = a.x2 >= a.x1;
          place(text_box(fate_text(*p), kSmallPx, a.x2 + (right ? 12 : -12), a.y2 + 4,
                         right ? "start" : "end"));
        }
      }
    }
  }

  // A segment's label: on its arrow (above, else below) at the first free
  // spot along it; else abbreviated; else in the right-hand column as "#N: label".
  void place_label(std::size_t i, const PacketEvent& p) {
    const Arrow a = arrow(i, p);
    LabelPlace& l = labels_[i];
    const double lo = std::min(a.x1, a.x2) + 4, hi = std::max(a.x1, a.x2) - 4;
    const auto try_text = [&](const std::string& text) {
      for (const double t : {0.5, 0.35, 0.65, 0.22, 0.78}) {
        for (const double dy : {-5.0, 14.0, -18.0, 27.0}) {
          const double cx = a.x1 + (a.x2 - a.x1) * t;
          const double y = a.y1 + (a.y2 - a.y1) * t + dy;
          const TextBox b = text_box(text, kLabelPx, cx, y, "middle");
          if (b.x0 < lo || b.x1 > hi || !free(b)) continue;
          place(b);
          l.x = cx;
          l.y = y;
          l.text = text;
          return true;
        }
      }
      return false;
    };
    const PacketInfo& info = *an_.for_event(i);
    if (try_text(l.text)) return;
    const auto words = label_words(p, info, an_);
    std::string brief;
    for (std::size_t w = 0; w < words.size() && w < 3; ++w) brief += (w ? " " : "") + words[w];
    if (try_text(brief)) return;
    l.in_gutter = true;
    l.text = fmt::format("#{}: {}", info.number, l.text);
    l.y = gutter_line((a.y1 + a.y2) / 2 + 4, l.text);
    l.x = gutter_x_;
  }

  void layout() {
    place_fixed();
    why_.resize(run_.events.size());
    for (std::size_t i = 0; i < run_.events.size(); ++i) {
      const Event& ev = run_.events[i];
      if (const auto* st = std::get_if<StateEvent>(&ev);
          st && opt_.explain && st->endpoint < x_.size()) {
        const std::string why =
            fmt::format("{}: {}", run_.endpoints[st->endpoint].name, why_text(*st));
        for (auto& line : wrap_words(why, kGutterChars)) {
          const double y = gutter_line(rows_.send_y[i] + 4, line);
          why_[i].emplace_back(y, std::move(line));
        }
      } else if (const auto* p = std::get_if<PacketEvent>(&ev);
                 p && p->from < x_.size() && p->to < x_.size()) {
        place_label(i, *p);
      }
    }
  }

  void note(std::size_t i, const NoteEvent& n) {
    const auto [x, y, anchor] = note_place(i, n);
    out_ += fmt::format(
        "<text class=\"note\" data-i=\"{}\" x=\"{}\" y=\"{}\" text-anchor=\"{}\">"
        "{}</text>\n",
        i, x, y, anchor, xml_escape(n.text));
  }

  void packet(std::size_t i, const PacketEvent& p) {
    if (p.from >= x_.size() || p.to >= x_.size()) return;
    const PacketInfo& info = *an_.for_event(i);
    const auto [x1, y1, x2, y2] = arrow(i, p);
    const bool dropped = p.fate == Fate::kDropped;
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
    label(i, p, x1, y1, x2, y2);
    out_ += "</g>\n";
  }

  // The label where layout() put it (horizontal, never over another text).
  void label(std::size_t i, const PacketEvent& p, double x1, double y1, double x2, double y2) {
    const LabelPlace& l = labels_[i];
    out_ +=
        fmt::format("<text class=\"lbl\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\">{}</text>",
                    l.x, l.y, l.in_gutter ? "start" : "middle", xml_escape(l.text));
    (void)y1;
    if (p.fate == Fate::kDropped) {
      out_ += fmt::format(
          "<text class=\"why\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\">{}</text>",
          x2 + (x2 >= x1 ? 12 : -12), y2 + 4, x2 >= x1 ? "start" : "end", xml_escape(fate_text(p)));
    }
  }

  struct LabelPlace {
    std::string text;
    double x = 0, y = 0;
    bool in_gutter = false;
  };

  const Run& run_;
  RenderOptions opt_;
  Analysis an_;
  std::vector<TimelineEntry> timeline_;
  Rows rows_;
  std::vector<int> x_;
  int lane_ = kLane;
  int gutter_x_ = 0;
  bool gutter_used_ = false;
  double gutter_next_ = 0, gutter_bottom_ = 0;
  std::map<int, std::vector<TextBox>> placed_;
  std::vector<LabelPlace> labels_;
  std::vector<std::vector<std::pair<double, std::string>>> why_;  // per event index
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
