/* dashboard.js: the trend charts of scripts/mb-dashboard (one uPlot chart per workload, hover, drag to zoom,
 * click a point for its run), the sortable results table, and the page's own checks (data-charts, data-overflow). */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("mb-data").textContent);
  /* Colour-blind-safe, no yellow on white: Okabe-Ito without its yellow, then Tol's wine, grey and indigo. */
  var PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#882255",
                 "#888888", "#332288"];
  var charts = [];

  function colour(strategy) {
    var k = D.strategies.indexOf(strategy);
    return PALETTE[(k < 0 ? 0 : k) % PALETTE.length];
  }

  function fmt(v, unit) {
    if (v == null) return "-";
    if (unit === "ms") return v.toPrecision(4) + " ms";
    if (unit === "MiB") return v.toPrecision(4) + " MiB";
    return String(Math.round(v));
  }

  /* x = commit index; a tick every `step` commits, labelled with its date and short hash. */
  function xAxis(n) {
    return {
      space: 90, size: 46, font: "12px sans-serif",
      splits: function (u, ax, min, max) {
        var w = u.bbox.width / (window.devicePixelRatio || 1), step = Math.max(1, Math.ceil((max - min + 1) / Math.max(1, w / 95)));
        var out = [];
        for (var i = Math.max(0, Math.ceil(min)); i <= Math.min(n - 1, Math.floor(max)); i += step) out.push(i);
        return out;
      },
      values: function (u, splits) {
        return splits.map(function (i) { var c = D.commits[i]; return c ? c.date.slice(0, 10) + "\n" + c.commit.slice(0, 9) : ""; });
      }
    };
  }

  /* Circles around the change points of each series, drawn over the chart. */
  function changeHook(u, cps) {
    var ctx = u.ctx;
    ctx.save();
    ctx.lineWidth = 2 * (window.devicePixelRatio || 1);
    cps.forEach(function (cp) {
      var y = u.data[cp.s][cp.i];
      if (y == null || !u.series[cp.s].show) return;
      var cx = u.valToPos(cp.i, "x", true), cy = u.valToPos(y, "y", true);
      ctx.strokeStyle = "#C00000";
      ctx.beginPath();
      ctx.arc(cx, cy, 11 * (window.devicePixelRatio || 1), 0, 2 * Math.PI);
      ctx.stroke();
    });
    ctx.restore();
  }

  function build(panel, metric, width) {
    var m = D.metrics[metric], w = panel.getAttribute("data-workload"), set = (m.workloads[w] || []);
    var box = panel.querySelector(".chart");
    box.textContent = "";
    if (!set.length) { box.textContent = "no " + m.title + " for this workload"; return null; }
    var n = D.commits.length, xs = [], data, series = [{label: "commit", value: function (u, i) {
      var c = D.commits[i]; return c ? c.commit.slice(0, 9) + " " + c.date.slice(0, 10) : "-"; }}], cps = [];
    for (var i = 0; i < n; i++) xs.push(i);
    data = [xs];
    set.forEach(function (s, k) {
      var on = / on$/.test(s.label), col = colour(s.strategy);
      data.push(s.values);
      /* earlier series larger and thicker: two equal series show as a ring around a dot */
      series.push({label: s.label, stroke: col, width: Math.max(1.2, 3.4 - 0.13 * k), dash: on ? [7, 4] : undefined,
                   spanGaps: true, value: function (u, v) { return fmt(v, m.unit); },
                   points: {show: true, size: Math.max(5, 13 - 0.45 * k), stroke: col, fill: on ? col : "#ffffff", width: 2}});
      s.changes.forEach(function (ci) { cps.push({s: k + 1, i: ci}); });
    });
    var opts = {
      width: width, height: 300, title: w + ": " + m.title,
      scales: {x: {time: false, range: function (u, lo, hi) { return [lo - 0.5, hi + 0.5]; }},
               y: {range: function (u, lo, hi) { return [0, hi > 0 ? hi * 1.1 : 1]; }}},
      axes: [xAxis(n), {label: m.unit, size: 60, font: "12px sans-serif", labelFont: "12px sans-serif"}],
      series: series,
      cursor: {drag: {x: true, y: false}, points: {size: 10}},
      legend: {live: true},
      hooks: {draw: [function (u) { changeHook(u, cps); }]}
    };
    var u = new uPlot(opts, data, box);
    var down = null;
    u.over.addEventListener("mousedown", function (e) { down = e.clientX; });
    u.over.addEventListener("click", function (e) {   /* a click, not a drag to zoom: go to the run */
      if (down !== null && Math.abs(e.clientX - down) < 4 && u.cursor.idx != null && D.commits[u.cursor.idx])
        location.hash = "run-" + D.commits[u.cursor.idx].commit;
    });
    return u;
  }

  function drawAll() {
    var metric = (document.querySelector("input[name=metric]:checked") || {}).value || D.first;
    charts.forEach(function (u) { if (u) u.destroy(); });
    charts = [];
    var panels = document.querySelectorAll(".panel");
    for (var i = 0; i < panels.length; i++) {
      var width = Math.max(300, Math.floor(panels[i].clientWidth) - 16);
      charts.push(build(panels[i], metric, width));
    }
  }

  function sortable(table) {
    var heads = table.querySelectorAll("th");
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener("click", function () {
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var dir = th.getAttribute("data-dir") === "asc" ? -1 : 1;
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("data-dir"); });
        th.setAttribute("data-dir", dir > 0 ? "asc" : "desc");
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute("data-v"), y = b.cells[col].getAttribute("data-v");
          var nx = parseFloat(x), ny = parseFloat(y);
          if (!isNaN(nx) && !isNaN(ny)) return dir * (nx - ny);
          return dir * String(x).localeCompare(String(y));
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  /* The page's checks, read by tests/test_history.c from the DOM: every chart drawn, nothing wider than the window. */
  function check() {
    var made = charts.filter(function (u) { return u; }), drawn = made.filter(function (u) { return u.ctx.canvas.width > 0; }).length;
    document.body.setAttribute("data-charts", drawn === made.length ? "ok " + drawn : "broken " + (made.length - drawn));
    var vw = document.documentElement.clientWidth, wide = [], all = document.body.getElementsByTagName("*");
    for (var i = 0; i < all.length; i++) {
      var r = all[i].getBoundingClientRect();
      if (r.width > 0 && (r.right > vw + 1 || r.left < -1)) wide.push((all[i].id || all[i].className || all[i].tagName) + ":" + Math.round(r.right));
    }
    if (document.documentElement.scrollWidth > vw + 1) wide.push("page:" + document.documentElement.scrollWidth);
    document.body.setAttribute("data-overflow", wide.length ? wide.slice(0, 8).join(" ") : "none");
  }

  document.querySelectorAll("input[name=metric]").forEach(function (r) { r.addEventListener("change", function () { drawAll(); check(); }); });
  document.querySelectorAll("table.sortable").forEach(sortable);
  var asked = /metric=([A-Za-z_]+)/.exec(location.hash), radio = asked && document.querySelector("input[name=metric][value=" + asked[1] + "]");
  if (radio) radio.checked = true;       /* index.html#metric=peak_rss_bytes opens on that metric */
  drawAll();
  var t = null;
  window.addEventListener("resize", function () { clearTimeout(t); t = setTimeout(function () { drawAll(); check(); }, 150); });
  check();
})();
