// SPDX-License-Identifier: Apache-2.0
// One self-contained interactive page: the SVG ladder inline, a detail panel
// showing every field of the hovered segment, both endpoints' state
// timelines, and stepping through the run (buttons, ←/→, Home/End).
//
// No network: no CDN, no fonts, no external files. The page is well-formed
// XHTML (scripts wrapped in CDATA, the run data JSON-escaped) so xmllint can
// check it. When the script has run it sets document.body.dataset.rendered.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "viz/analysis.hpp"
#include "viz/label.hpp"
#include "viz/render.hpp"
#include "viz/svg.hpp"

namespace synack::viz {

namespace {

using json = nlohmann::ordered_json;

// JSON safe inside <script>: no '<', '>' or '&' characters at all.
std::string script_json(const json& j) {
  std::string out;
  for (char c : j.dump()) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += c;
    }
  }
  return out;
}

json page_data(const Run& run, const Analysis& an) {
  json eps = json::array();
  for (EndpointId e = 0; e < run.endpoints.size(); ++e) {
    const auto init = run.initial_state(e);
    eps.push_back(
        {{"name", run.endpoints[e].name},
         {"address", run.endpoints[e].address()},
         {"initial", init ? std::string(to_string(*init)) : std::string("(no TCP state)")}});
  }
  json events = json::array();
  for (std::size_t i = 0; i < run.events.size(); ++i) {
    const Event& ev = run.events[i];
    json e = {{"i", i}, {"t", time_ms(event_time(ev))}};
    if (const auto* p = std::get_if<PacketEvent>(&ev)) {
      const PacketInfo& info = *an.for_event(i);
      e["kind"] = "packet";
      e["from"] = p->from;
      e["to"] = p->to;
      std::string text = fmt::format("#{} {}", info.number, segment_label(*p, info, an));
      for (const auto& t : info.tag_texts()) text += " " + t;
      if (auto f = fate_text(*p); !f.empty()) text += " (" + f + ")";
      e["text"] = text;
      json fields = json::array();
      for (const auto& [k, v] : packet_details(run, *p, info, an)) fields.push_back({k, v});
      e["fields"] = fields;
    } else if (const auto* s = std::get_if<StateEvent>(&ev)) {
      e["kind"] = "state";
      e["endpoint"] = s->endpoint;
      e["from_state"] = to_string(s->from);
      e["to_state"] = to_string(s->to);
      e["text"] = fmt::format("{} → {}", to_string(s->from), to_string(s->to));
      e["why"] = explain_text(*s);
    } else {
      const auto& n = std::get<NoteEvent>(ev);
      e["kind"] = "note";
      e["endpoint"] = n.endpoint ? json(*n.endpoint) : json(nullptr);
      e["text"] = n.text;
    }
    events.push_back(std::move(e));
  }
  return {{"endpoints", eps}, {"events", events}};
}

constexpr std::string_view kCss = R"(
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#222;background:#f6f7f9}
header{padding:10px 18px;background:#263238;color:#fff}
header h1{margin:0;font-size:18px}
header p{margin:4px 0 0;color:#cfd8dc;font-size:13px}
#controls{padding:8px 18px;background:#eceff1;border-bottom:1px solid #cfd8dc;display:flex;gap:8px;align-items:center}
#controls button{font:inherit;padding:3px 10px;border:1px solid #90a4ae;border-radius:4px;background:#fff;cursor:pointer}
#controls button:hover{background:#e3f2fd}
#pos{margin-left:8px;font-family:monospace}
#now{margin-left:12px;color:#37474f}
#main{display:flex;flex-wrap:wrap;gap:14px;padding:14px 18px;align-items:flex-start}
#diagram{background:#fff;border:1px solid #cfd8dc;border-radius:6px;overflow:auto;flex:0 0 auto;max-width:100%}
aside{flex:1 1 300px;min-width:280px;max-width:440px;display:flex;flex-direction:column;gap:12px}
aside section{background:#fff;border:1px solid #cfd8dc;border-radius:6px;padding:8px 12px}
aside h2{font-size:14px;margin:0 0 6px;color:#37474f}
#fields{border-collapse:collapse;font-family:monospace;font-size:12px;width:100%}
#fields td{padding:1px 6px 1px 0;vertical-align:top;overflow-wrap:anywhere}
#fields td.k{color:#607d8b;white-space:nowrap}
.tl{margin:0 0 8px;padding-left:18px;font-family:monospace;font-size:12px}
.tl li.cur{font-weight:bold;color:#1b5e20}
.tl li.fut{color:#b0bec5}
.future{opacity:0.12}
.current line{stroke-width:3}
.current rect{stroke-width:2.5}
.hover line{stroke-width:3}
.seg{cursor:pointer}
)";

constexpr std::string_view kScript = R"(
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("run-data").textContent);
  var events = data.events;
  var step = events.length - 1;
  // "#step=N" in the URL opens the page at the N-th event (1-based).
  var m = /step=([0-9]+)/.exec(window.location.hash);
  if (m) step = Math.max(0, Math.min(events.length - 1, parseInt(m[1], 10) - 1));
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function showFields(ev) {
    var table = document.getElementById("fields");
    table.textContent = "";
    var rows = ev.kind === "packet" ? ev.fields : [["time", ev.t + " ms"], [ev.kind, ev.text]];
    if (ev.why) rows = rows.concat([["why", ev.why]]);
    rows.forEach(function (kv) {
      var tr = el("tr");
      tr.appendChild(el("td", kv[0], "k"));
      tr.appendChild(el("td", kv[1]));
      table.appendChild(tr);
    });
  }
  function stateAt(ep, k) {
    var s = data.endpoints[ep].initial;
    for (var i = 0; i <= k; i++) {
      var ev = events[i];
      if (ev.kind === "state" && ev.endpoint === ep) s = ev.to_state;
    }
    return s;
  }
  function render() {
    document.querySelectorAll("[data-i]").forEach(function (node) {
      var i = parseInt(node.getAttribute("data-i"), 10);
      node.classList.toggle("future", i > step);
      node.classList.toggle("current", i === step);
    });
    document.querySelectorAll(".tl li").forEach(function (li) {
      var i = parseInt(li.getAttribute("data-ev"), 10);
      li.classList.toggle("fut", i > step);
      li.classList.toggle("cur", i <= step && stateAt(parseInt(li.getAttribute("data-ep"), 10), step) === li.getAttribute("data-state") && i === lastStateIndex(parseInt(li.getAttribute("data-ep"), 10), step));
    });
    document.getElementById("pos").textContent = events.length ? (step + 1) + " / " + events.length : "0 / 0";
    var now = data.endpoints.map(function (e, ep) { return e.name + ": " + stateAt(ep, step); }).join("   ");
    document.getElementById("now").textContent = now;
    if (events.length) showFields(events[step]);
  }
  function lastStateIndex(ep, k) {
    var last = -1;
    for (var i = 0; i <= k; i++) {
      if (events[i].kind === "state" && events[i].endpoint === ep) last = i;
    }
    return last;
  }
  function go(k) {
    step = Math.max(0, Math.min(events.length - 1, k));
    render();
  }
  function buildTimelines() {
    var box = document.getElementById("timelines");
    data.endpoints.forEach(function (e, ep) {
      box.appendChild(el("h2", e.name + " " + e.address));
      var ol = el("ol", undefined, "tl");
      var first = el("li", "start  " + e.initial);
      first.setAttribute("data-ev", "-1");
      first.setAttribute("data-ep", String(ep));
      first.setAttribute("data-state", e.initial);
      ol.appendChild(first);
      events.forEach(function (ev) {
        if (ev.kind !== "state" || ev.endpoint !== ep) return;
        var li = el("li", ev.t + " ms  " + ev.text);
        li.title = ev.why;
        li.setAttribute("data-ev", String(ev.i));
        li.setAttribute("data-ep", String(ep));
        li.setAttribute("data-state", ev.to_state);
        li.addEventListener("click", function () { go(ev.i); });
        ol.appendChild(li);
      });
      box.appendChild(ol);
    });
  }
  document.querySelectorAll(".seg").forEach(function (g) {
    var i = parseInt(g.getAttribute("data-i"), 10);
    g.addEventListener("mouseenter", function () { g.classList.add("hover"); showFields(events[i]); });
    g.addEventListener("mouseleave", function () { g.classList.remove("hover"); });
    g.addEventListener("click", function () { go(i); });
  });
  document.getElementById("first").addEventListener("click", function () { go(0); });
  document.getElementById("prev").addEventListener("click", function () { go(step - 1); });
  document.getElementById("next").addEventListener("click", function () { go(step + 1); });
  document.getElementById("last").addEventListener("click", function () { go(events.length - 1); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowLeft" || e.key === "k") go(step - 1);
    else if (e.key === "ArrowRight" || e.key === "j" || e.key === " ") go(step + 1);
    else if (e.key === "Home") go(0);
    else if (e.key === "End") go(events.length - 1);
    else return;
    e.preventDefault();
  });
  buildTimelines();
  render();
  document.body.dataset.rendered = "true";
})();
)";

}  // namespace

std::string render_html(const Run& run, const RenderOptions& opt) {
  const Analysis an = analyze(run, opt.absolute);
  const std::string title = run.title.empty() ? run.scenario : run.title;
  std::string out = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n";
  out += fmt::format(
      "<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"generator\" content=\"synack draw\"/>\n"
      "<title>{} — synack</title>\n<style>{}</style>\n</head>\n<body>\n",
      xml_escape(title), kCss);
  out += fmt::format("<header><h1>{}</h1>", xml_escape(title));
  std::string sub = run.description;
  if (run.seed) sub += fmt::format("{}seed {}", sub.empty() ? "" : " — ", run.seed);
  if (!sub.empty()) out += fmt::format("<p>{}</p>", xml_escape(sub));
  out += "</header>\n";
  out +=
      "<div id=\"controls\"><button id=\"first\" title=\"first event (Home)\">|&#9664;</button>"
      "<button id=\"prev\" title=\"previous event (&#8592;)\">&#9664; prev</button>"
      "<button id=\"next\" title=\"next event (&#8594;)\">next &#9654;</button>"
      "<button id=\"last\" title=\"last event (End)\">&#9654;|</button>"
      "<span id=\"pos\"></span><span id=\"now\"></span></div>\n";
  out += "<div id=\"main\">\n<div id=\"diagram\">\n";
  out += render_svg(run, opt);
  out +=
      "</div>\n<aside>\n<section><h2>Event (hover a segment)</h2><table id=\"fields\"><tr><td>"
      "Hover or click a segment to see all its fields.</td></tr></table></section>\n"
      "<section id=\"timelines\"></section>\n</aside>\n</div>\n";
  out += fmt::format("<script type=\"application/json\" id=\"run-data\">{}</script>\n",
                     script_json(page_data(run, an)));
  out += fmt::format("<script>//<![CDATA[{}//]]></script>\n</body>\n</html>\n", kScript);
  return out;
}

}  // namespace synack::viz
