// SPDX-License-Identifier: Apache-2.0
// The terminal ladder: one lifeline per endpoint, time flowing down, each
// segment an arrow drawn at its send time, each state change written on its
// endpoint's column at the moment it happens.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "viz/analysis.hpp"
#include "viz/label.hpp"
#include "viz/render.hpp"
#include "viz/text_canvas.hpp"
#include "viz/timeline.hpp"

namespace synack::viz {

namespace {

constexpr int kMinWidth = 60;
constexpr int kMinStateWidth = 12;  // "SYN-RECEIVED"

struct Word {
  std::string text;
  Style style;
};
using Line = std::vector<Word>;

int line_width(const Line& l) {
  int w = l.empty() ? 0 : static_cast<int>(l.size()) - 1;
  for (const auto& word : l) w += text_width(word.text);
  return w;
}

// Greedy word wrap into lines of at most `max` cells (a word longer than
// that is clipped).
std::vector<Line> wrap(const Line& words, int max, bool ascii) {
  std::vector<Line> lines(1);
  for (const auto& w : words) {
    Word word{clip(w.text, max, ascii), w.style};
    if (!lines.back().empty() && line_width(lines.back()) + 1 + text_width(word.text) > max) {
      lines.emplace_back();
    }
    lines.back().push_back(std::move(word));
  }
  return lines;
}

Line words_of(std::string_view text, Style style) {
  Line l;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto j = std::min(text.find(' ', i), text.size());
    if (j > i) l.push_back({std::string(text.substr(i, j - i)), style});
    i = j + 1;
  }
  return l;
}

Style segment_style(TcpFlags f) {
  if (f.rst()) return Style::kRst;
  if (f.syn()) return Style::kSyn;
  if (f.fin()) return Style::kFin;
  return Style::kNone;
}

// A group of entries drawn on one row (plus its continuation rows).
struct Row {
  Instant time;
  std::vector<std::size_t> states;  // event indices, at most one per endpoint
  std::optional<std::size_t> packet;
  std::optional<std::size_t> arrival;
  std::optional<std::size_t> note;
  [[nodiscard]] bool empty() const { return states.empty() && !packet && !arrival && !note; }
};

class TextLadder {
 public:
  TextLadder(const Run& run, const RenderOptions& opt)
      : run_(run), opt_(opt), an_(analyze(run, opt.absolute)) {
    opt_.width = std::max(opt_.width, kMinWidth);
    layout();
  }

  std::string render() {
    header();
    rows();
    footer();
    std::string s;
    for (const auto& l : out_) s += l + "\n";
    return s;
  }

 private:
  std::string T(std::string_view s) const { return transliterate(s, opt_.ascii); }
  int lo() const { return x_.front() + 1; }
  int hi() const { return x_.back() - 1; }

  void layout() {
    const std::size_t n = run_.endpoints.size();
    time_w_ = 6;  // "t (ms)"
    for (const auto& e : build_timeline(run_)) {
      time_w_ = std::max(time_w_, text_width(time_ms(e.time)));
    }
    num_w_ = std::max(1, text_width(fmt::format("{}", run_.packet_count())));
    prefix_ = time_w_ + 1 + num_w_ + 2;
    state_w_ = kMinStateWidth;
    for (const auto& e : run_.endpoints) {
      state_w_ = std::max({state_w_, text_width(T(e.name)), text_width(T(e.address()))});
    }
    state_w_ = std::min(state_w_, 18);
    const int first = prefix_ + state_w_ + 1;
    const int last = opt_.width - state_w_ - 3;
    x_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      x_[i] = n == 1 ? first
                     : first + static_cast<int>((last - first) * static_cast<long>(i) /
                                                static_cast<long>(n - 1));
    }
  }

  Canvas blank() const { return Canvas(opt_.width); }

  Canvas lifelines() const {
    Canvas c = blank();
    for (int x : x_) c.paint(x, T("│"), Style::kDim);
    return c;
  }

  void emit(const Canvas& c) { out_.push_back(c.str(opt_.color)); }

  // Where an endpoint's own text (name, state) goes.
  int label_x(EndpointId e, int w) const {
    if (e == 0) return time_w_ + 1 + num_w_ + 2;
    if (e + 1 == x_.size()) return x_[e] + 2;
    return x_[e] - w / 2;
  }

  void paint_label(Canvas& c, EndpointId e, std::string_view text, Style s) const {
    const std::string t = clip(T(text), e == 0 || e + 1 == x_.size() ? state_w_ : 12, opt_.ascii);
    const int x = e + 1 == x_.size() || e == 0 ? label_x(e, text_width(t)) : x_[e] + 2;
    c.paint(x, t, s);
  }

  void header() {
    std::string title = run_.title.empty() ? run_.scenario : run_.title;
    std::vector<std::string> meta;
    if (!run_.scenario.empty() && run_.scenario != title) meta.push_back(run_.scenario);
    if (run_.seed) meta.push_back(fmt::format("seed {}", run_.seed));
    if (!meta.empty()) title += fmt::format(" ({})", fmt::join(meta, ", "));
    Canvas t = blank();
    t.paint(0, clip(T(title), opt_.width, opt_.ascii), Style::kTitle);
    emit(t);
    for (const auto& l : wrap(words_of(T(run_.description), Style::kDim), opt_.width, opt_.ascii)) {
      if (l.empty()) continue;
      Canvas d = blank();
      paint_line(d, 0, l);
      emit(d);
    }
    out_.emplace_back();
    Canvas names = blank(), addrs = blank(), states = lifelines();
    names.paint(time_w_ - 6, "t (ms)", Style::kDim);
    names.paint(time_w_ + 1 + num_w_ - 1, "#", Style::kDim);
    for (EndpointId e = 0; e < run_.endpoints.size(); ++e) {
      const auto& ep = run_.endpoints[e];
      const std::string name = clip(T(ep.name), state_w_, opt_.ascii);
      const std::string addr = clip(T(ep.address()), state_w_, opt_.ascii);
      names.paint(label_x(e, text_width(name)), name, Style::kBold);
      addrs.paint(label_x(e, text_width(addr)), addr, Style::kDim);
      if (auto s = run_.initial_state(e)) paint_label(states, e, to_string(*s), Style::kState);
    }
    emit(names);
    emit(addrs);
    emit(states);
  }

  void paint_line(Canvas& c, int x, const Line& l) const {
    for (const auto& w : l) {
      c.paint(x, w.text, w.style);
      x += text_width(w.text) + 1;
    }
  }

  void paint_time(Canvas& c, Instant t) const {
    const std::string s = time_ms(t);
    c.paint(time_w_ - text_width(s), s, Style::kNone);
  }

  // Free text belonging to an endpoint (or the network): lines placed on that
  // endpoint's side of the lanes. The first line goes on `first`.
  void side_text(Canvas& first, std::optional<EndpointId> e, const Line& words) {
    const int max = hi() - lo() - 2;
    auto lines = wrap(words, max, opt_.ascii);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      Canvas extra = lifelines();
      Canvas& c = i == 0 ? first : extra;
      const int w = line_width(lines[i]);
      int x = lo() + (hi() - lo() + 1 - w) / 2;
      if (e && *e == 0) x = lo() + 1;
      if (e && *e + 1 == x_.size()) x = hi() - w;
      if (e && *e > 0 && *e + 1 < x_.size()) x = x_[*e] + 2;
      paint_line(c, x, lines[i]);
      if (i > 0) emit(c);
    }
  }

  Line packet_words(const PacketEvent& p, const PacketInfo& info) const {
    Line l;
    const Style s = segment_style(p.tcp.flags);
    for (auto& w : label_words(p, info, an_)) l.push_back({T(w), s});
    for (auto& t : info.tag_texts()) l.push_back({T(t), Style::kTag});
    if (p.fate == Fate::kCorrupted) l.push_back({"[corrupted]", Style::kDrop});
    if (p.fate == Fate::kDuplicated) l.push_back({"[link duplicate]", Style::kTag});
    return l;
  }

  // The arrow of one segment on `c`, label continuation lines on extra rows.
  void packet(Canvas& c, const PacketEvent& p, const PacketInfo& info) {
    const std::string num = fmt::format("{}", info.number);
    c.paint(time_w_ + 1 + num_w_ - text_width(num), num, Style::kDim);
    if (p.from >= x_.size() || p.to >= x_.size() || p.from == p.to) return;
    const int xa = x_[p.from], xb = x_[p.to];
    const bool right = xa < xb;
    const int a = std::min(xa, xb) + 1, b = std::max(xa, xb) - 1;  // interior, inclusive
    const int interior = b - a + 1;
    const bool dropped = p.fate == Fate::kDropped;
    // A dropped arrow stops short; keep room after its ✗ for the reason.
    const int reason_w =
        dropped && !p.reason.empty() ? std::min(text_width(T(p.reason)) + 2, interior / 3) : 0;
    const auto lines =
        wrap(packet_words(p, info), std::max(interior - 6 - reason_w, 8), opt_.ascii);
    int len = interior;
    if (dropped) {
      len = std::min(interior - 1 - reason_w, std::max(interior * 3 / 5, line_width(lines[0]) + 6));
    }
    const int s0 = right ? a : b - len + 1, s1 = s0 + len - 1;  // arrow span
    const Style st = segment_style(p.tcp.flags);
    for (int x = s0; x <= s1; ++x) c.paint(x, T("─"), st);
    const bool bad = dropped || p.fate == Fate::kCorrupted;
    const int head = right ? s1 : s0;
    c.paint(head, T(bad ? "✗" : right ? "▶" : "◀"), bad ? Style::kDrop : st);
    c.paint(xa, T(right ? "├" : "┤"), Style::kDim);
    if (dropped && !p.reason.empty()) {
      const std::string r = clip(T(p.reason), interior - len - 2, opt_.ascii);
      c.paint(right ? s1 + 2 : s0 - 1 - text_width(r), r, Style::kDrop);
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
      Canvas extra = lifelines();
      Canvas& row = i == 0 ? c : extra;
      const int w = line_width(lines[i]);
      const int x = s0 + (len - w) / 2;
      if (i == 0) row.paint(x - 1, std::string(static_cast<std::size_t>(w + 2), ' '), st);
      paint_line(row, x, lines[i]);
      if (i > 0) emit(row);
    }
  }

  void arrival(Canvas& c, const PacketEvent& p, const PacketInfo& info) const {
    if (p.to >= x_.size() || p.from >= x_.size()) return;
    const bool right = x_[p.from] < x_[p.to];
    const std::string mark = T(right ? fmt::format("#{} arrives ╌╌▶", info.number)
                                     : fmt::format("◀╌╌ #{} arrives", info.number));
    const int x = right ? x_[p.to] - text_width(mark) : x_[p.to] + 1;
    c.paint(x, mark, segment_style(p.tcp.flags));
  }

  void flush(Row& r) {
    if (r.empty()) return;
    // --time-axis linear|log: blank lifeline rows for the time since the last row.
    if (last_row_) {
      const auto gap = std::lround(time_gap_rows(opt_.time_axis, r.time - *last_row_));
      for (long i = 0; i < gap; ++i) emit(lifelines());
    }
    last_row_ = r.time;
    Canvas c = lifelines();
    paint_time(c, r.time);
    std::vector<const StateEvent*> states;
    for (auto i : r.states) {
      const auto& s = std::get<StateEvent>(run_.events[i]);
      states.push_back(&s);
      paint_label(c, s.endpoint, to_string(s.to), Style::kState);
    }
    std::vector<Canvas> later;
    if (r.arrival) {
      arrival(c, std::get<PacketEvent>(run_.events[*r.arrival]), *an_.for_event(*r.arrival));
    }
    if (r.note) {
      const auto& n = std::get<NoteEvent>(run_.events[*r.note]);
      Line words{{T("·"), Style::kNote}};
      for (auto& w : words_of(T(n.text), Style::kNote)) words.push_back(std::move(w));
      // side_text emits continuation lines itself, so the first line must go first.
      const std::size_t at = out_.size();
      side_text(c, n.endpoint, words);
      out_.insert(out_.begin() + static_cast<long>(at), c.str(opt_.color));
    } else if (r.packet) {
      const std::size_t at = out_.size();
      packet(c, std::get<PacketEvent>(run_.events[*r.packet]), *an_.for_event(*r.packet));
      out_.insert(out_.begin() + static_cast<long>(at), c.str(opt_.color));
    } else {
      emit(c);
    }
    if (opt_.explain) {
      for (const auto* s : states) {
        Canvas e = lifelines();
        Line words{{T("↳"), Style::kDim}};
        for (auto& w : words_of(T(fmt::format("{} → {}: {}", to_string(s->from), to_string(s->to),
                                              explain_text(*s))),
                                Style::kDim)) {
          words.push_back(std::move(w));
        }
        const std::size_t at = out_.size();
        side_text(e, s->endpoint, words);
        out_.insert(out_.begin() + static_cast<long>(at), e.str(opt_.color));
      }
    }
    r = Row{};
  }

  void rows() {
    const auto timeline = build_timeline(run_);
    const auto crossing = crossing_packets(run_, timeline);
    Row r;
    for (const auto& e : timeline) {
      if (e.kind == TimelineEntry::Kind::kArrival) {
        if (!crossing[e.event_index]) continue;
        flush(r);
        r.time = e.time;
        r.arrival = e.event_index;
        continue;
      }
      const Event& ev = run_.events[e.event_index];
      const bool same_time = !r.empty() && r.time == e.time;
      if (const auto* s = std::get_if<StateEvent>(&ev)) {
        const bool taken = std::ranges::any_of(r.states, [&](std::size_t i) {
          return std::get<StateEvent>(run_.events[i]).endpoint == s->endpoint;
        });
        if (!same_time || taken || r.note) flush(r);
        r.time = e.time;
        r.states.push_back(e.event_index);
      } else if (std::holds_alternative<PacketEvent>(ev)) {
        if (!same_time || r.packet || r.note || r.arrival) flush(r);
        r.time = e.time;
        r.packet = e.event_index;
      } else {
        flush(r);
        r.time = e.time;
        r.note = e.event_index;
        flush(r);
      }
    }
    flush(r);
  }

  void footer() {
    std::size_t dropped = 0, retrans = 0, dups = 0;
    for (const auto& info : an_.packets) {
      const auto& p = std::get<PacketEvent>(run_.events[info.event_index]);
      dropped += p.fate == Fate::kDropped;
      retrans += info.has(Tag::kRetransmission);
      dups += info.has(Tag::kDupAck);
    }
    std::vector<std::string> parts;
    if (dropped) parts.push_back(fmt::format("{} dropped", dropped));
    if (retrans) parts.push_back(fmt::format("{} retransmitted", retrans));
    if (dups) parts.push_back(fmt::format("{} dup ACK{}", dups, dups > 1 ? "s" : ""));
    std::string s =
        fmt::format("{} segment{}", an_.packets.size(), an_.packets.size() == 1 ? "" : "s");
    if (!parts.empty()) s += fmt::format(" ({})", fmt::join(parts, ", "));
    s += opt_.absolute ? "; absolute sequence numbers" : "; seq/ack relative to each ISN";
    out_.emplace_back();
    for (const auto& l : wrap(words_of(T(s), Style::kDim), opt_.width, opt_.ascii)) {
      Canvas row = blank();
      paint_line(row, 0, l);
      emit(row);
    }
  }

  const Run& run_;
  RenderOptions opt_;
  Analysis an_;
  std::vector<std::string> out_;
  std::optional<Instant> last_row_;  // time of the last row drawn
  std::vector<int> x_;
  int time_w_ = 6, num_w_ = 1, prefix_ = 0, state_w_ = kMinStateWidth;
};

}  // namespace

std::string render_text(const Run& run, const RenderOptions& opt) {
  if (run.endpoints.empty()) return "(empty run: no endpoints)\n";
  return TextLadder(run, opt).render();
}

}  // namespace synack::viz
