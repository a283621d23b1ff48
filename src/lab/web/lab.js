// synack lab: the page's script. Everything the page shows comes from
// /api/run with the page's own query string, so the URL is the whole
// situation: share it and the other browser sees the same run.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var lab = { data: null, error: null };
  window.synackLab = lab;  // for the browser tests
  var params = new URLSearchParams(window.location.search);

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  // ---- the URL ------------------------------------------------------------------
  function go(next) {
    params = next;
    var q = params.toString();
    window.history.pushState(null, "", q ? "?" + q : window.location.pathname);
    load();
  }
  function withParam(name, value) {
    var p = new URLSearchParams(params);
    if (value === null) p.delete(name); else p.set(name, value);
    return p;
  }
  function withFault(text) {
    var p = new URLSearchParams(params);
    p.append("fault", text);
    return p;
  }
  function withoutFault(k) {
    var p = new URLSearchParams();
    var n = 0;
    params.forEach(function (v, name) {
      if (name === "fault" && n++ === k) return;
      p.append(name, v);
    });
    return p;
  }
  window.addEventListener("popstate", function () {
    params = new URLSearchParams(window.location.search);
    load();
  });

  // ---- loading --------------------------------------------------------------------
  function load() {
    document.body.dataset.state = "loading";
    return fetch("/api/run?" + params.toString())
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (r) {
        if (!r.ok) throw new Error(r.body.error || "the server could not run this");
        show(r.body);
      })
      .catch(function (e) { showError(e.message); });
  }
  function showError(message) {
    lab.error = message;
    var box = $("error");
    box.textContent = "";
    box.appendChild(el("span", "This link's settings are not valid: " + message + ". "));
    var a = el("a", "Start again with the handshake.");
    a.href = "/?scenario=handshake";
    box.appendChild(a);
    box.hidden = false;
    document.body.dataset.state = "error";
  }

  // ---- drawing -------------------------------------------------------------------
  function show(d) {
    lab.data = d;
    lab.error = null;
    $("error").hidden = true;
    document.title = d.title + " — synack lab";
    $("title").textContent = d.title;
    $("description").textContent = d.description;
    fillControls(d.params);
    $("ladder").innerHTML = d.svg;
    $("original").innerHTML = d.original_svg;
    markLadder(d);
    showFaults(d.params.faults);
    $("diff").textContent = d.diff.summary;
    showChecks(d.checks);
    showTimelines(d);
    var fields = $("fields");
    fields.textContent = "";
    fields.appendChild(el("tr")).appendChild(el("td", "Hover a segment to see its fields."));
    document.body.dataset.query = d.query;
    document.body.dataset.state = "ready";
  }
  function fillControls(p) {
    $("scenario").value = p.scenario;
    $("rtt").value = p.rtt_ms;
    $("loss").value = Math.round(p.loss * 1000) / 10;
    $("msl").value = p.msl_ms / 1000;
    $("seed").value = p.seed;
    $("scripted").checked = p.scripted;
    $("close").value = p.close;
    $("axis").value = p.axis;
    var sc = scenarioList.filter(function (s) { return s.name === p.scenario; })[0];
    $("close").disabled = !(sc && sc.close_order);
  }
  function markLadder(d) {
    var changed = {};
    d.diff.changed.forEach(function (i) { changed[i] = true; });
    $("ladder").querySelectorAll("g[data-i]").forEach(function (g) {
      var i = parseInt(g.getAttribute("data-i"), 10);
      if (changed[i]) g.classList.add("diff");
      var ev = d.events[i];
      if (!g.classList.contains("seg") || !ev) return;
      if (ev.fate !== "delivered") g.classList.add("faulted");
      g.addEventListener("mouseenter", function () { showFields(ev); });
      g.addEventListener("click", function (e) { openMenu(ev, e); });
    });
  }
  function showFields(ev) {
    var table = $("fields");
    table.textContent = "";
    ev.fields.forEach(function (kv) {
      var tr = el("tr");
      tr.appendChild(el("td", kv[0], "k"));
      tr.appendChild(el("td", kv[1]));
      table.appendChild(tr);
    });
  }
  function showFaults(faults) {
    var box = $("faults");
    box.textContent = "";
    if (faults.length) box.appendChild(el("span", "your faults: "));
    faults.forEach(function (f, k) {
      var chip = el("span", f, "fault");
      var x = el("button", "\u00d7");
      x.type = "button";
      x.title = "remove " + f;
      x.addEventListener("click", function () { go(withoutFault(k)); });
      chip.appendChild(x);
      box.appendChild(chip);
    });
  }
  function showChecks(checks) {
    var ul = $("checks");
    ul.textContent = "";
    checks.forEach(function (c) {
      var li = el("li", c.what, c.ok ? "ok" : "failed");
      if (c.original_ok !== null && c.ok !== c.original_ok) {
        li.classList.add("changed");
        li.appendChild(el("span", c.original_ok ? "  (held in the scenario's own run)"
                                                : "  (failed in the scenario's own run)", "was"));
      }
      ul.appendChild(li);
    });
  }
  // Per endpoint: each state with the time it was entered and how long it lasted.
  function showTimelines(d) {
    var box = $("timelines");
    box.textContent = "";
    var changed = {};
    d.diff.changed.forEach(function (i) { changed[i] = true; });
    d.endpoints.forEach(function (ep, e) {
      box.appendChild(el("div", ep.name + " " + ep.address));
      var ol = el("ol", undefined, "tl");
      var states = d.events.filter(function (ev) { return ev.kind === "state" && ev.endpoint === e; });
      var entered = 0;
      var current = ep.initial;
      var add = function (name, from, to, i) {
        var li = el("li", from.toFixed(0) + " ms " + name +
                    (to === null ? "" : " (" + (to - from).toFixed(0) + " ms)"));
        li.dataset.endpoint = ep.name;
        li.dataset.state = name;
        li.dataset.enteredMs = String(from);
        if (to !== null) li.dataset.durationMs = String(to - from);
        if (i !== null && changed[i]) li.classList.add("diff");
        ol.appendChild(li);
      };
      var lastI = null;
      states.forEach(function (s) {
        add(current, entered, s.t, lastI);
        current = s.to;
        entered = s.t;
        lastI = s.i;
      });
      add(current, entered, null, lastI);
      box.appendChild(ol);
    });
  }

  // ---- the segment menu -------------------------------------------------------
  var chosen = null;
  var scenarioList = [];
  function openMenu(ev, e) {
    chosen = ev;
    var menu = $("menu");
    $("menu-title").textContent = "#" + ev.n + " " + ev.text;
    menu.hidden = false;
    menu.style.left = (e.pageX + 8) + "px";
    menu.style.top = (e.pageY + 8) + "px";
  }
  function closeMenu() { $("menu").hidden = true; chosen = null; }
  function addFault(kind, msInput) {
    if (!chosen) return;
    var text = kind + ":" + chosen.n;
    if (msInput) text += ":" + Math.max(1, Math.round(Number($(msInput).value))) + "ms";
    closeMenu();
    go(withFault(text));
  }
  $("drop").addEventListener("click", function () { addFault("drop", null); });
  $("delay").addEventListener("click", function () { addFault("delay", "delay-ms"); });
  $("dup").addEventListener("click", function () { addFault("dup", "dup-ms"); });
  $("menu-close").addEventListener("click", closeMenu);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") closeMenu(); });

  // ---- the controls ---------------------------------------------------------------
  function numberParam(id, name, unit, scale) {
    $(id).addEventListener("change", function () {
      var v = Number($(id).value);
      if (!isFinite(v) || $(id).value === "") return;
      go(withParam(name, String(Math.round(v * scale * 1000) / 1000) + unit));
    });
  }
  numberParam("rtt", "rtt", "ms", 1);
  numberParam("msl", "msl", "ms", 1000);
  numberParam("loss", "loss", "", 0.01);
  $("seed").addEventListener("change", function () { go(withParam("seed", $("seed").value)); });
  $("scripted").addEventListener("change", function () {
    go(withParam("scripted", $("scripted").checked ? null : "0"));
  });
  $("axis").addEventListener("change", function () {
    go(withParam("axis", $("axis").value === "event" ? null : $("axis").value));
  });
  $("close").addEventListener("change", function () {
    go(withParam("close", $("close").value || null));
  });
  $("scenario").addEventListener("change", function () {
    go(new URLSearchParams({ scenario: $("scenario").value }));
  });
  $("reset").addEventListener("click", function () {
    go(new URLSearchParams({ scenario: $("scenario").value }));
  });
  $("controls").addEventListener("submit", function (e) { e.preventDefault(); });

  fetch("/api/scenarios")
    .then(function (r) { return r.json(); })
    .then(function (list) {
      scenarioList = list;
      list.forEach(function (s) {
        var o = el("option", s.name);
        o.value = s.name;
        o.title = s.summary;
        $("scenario").appendChild(o);
      });
      return load();
    })
    .catch(function (e) { showError(e.message); });
})();
