/**
 * The report's inline stylesheet and script (view/report.ts). Plain ES2017 in the page, no
 * library: filters (state, task, tag words), sorting by a column header, and graph nodes dimmed
 * when none of their jobs is shown; clicking a node shows only its jobs (click again: all).
 */

export const REPORT_CSS = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;font-size:14px;color:#212121;background:#fafafa}
body{margin:0 auto;padding:16px 24px;max-width:1600px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12px}
.meta{color:#555;margin:0}
.graph{overflow:auto;max-height:70vh;border:1px solid #ddd;background:#fff}
.graph svg{display:block}
.graph .xpm-node{cursor:pointer}
.graph .xpm-node.dim{opacity:.25}
.graph .xpm-node.picked rect{stroke-width:3}
.filters{display:flex;gap:16px;align-items:center;flex-wrap:wrap;margin:8px 0}
.filters input,.filters select{font:inherit;padding:2px 4px}
#f-count{color:#555}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eee;cursor:pointer;user-select:none;white-space:nowrap;position:sticky;top:0}
th.asc::after{content:" ▲"}th.desc::after{content:" ▼"}
tr.hidden{display:none}
.pill{display:inline-block;border:1px solid;border-radius:8px;padding:0 6px;white-space:nowrap}
.tag{display:inline-block;background:#eceff1;border-radius:3px;padding:0 4px;margin:1px 0;white-space:nowrap}
details summary{cursor:pointer;color:#555;max-width:40em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
details pre{max-width:60em;max-height:20em;overflow:auto;background:#263238;color:#eceff1;padding:6px;margin:4px 0;white-space:pre-wrap}
footer{margin-top:24px;color:#777;font-size:12px}
`;

export const REPORT_SCRIPT = `
(function () {
  "use strict";
  var table = document.getElementById("jobs-table");
  if (!table) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var fState = document.getElementById("f-state");
  var fTask = document.getElementById("f-task");
  var fTag = document.getElementById("f-tag");
  var count = document.getElementById("f-count");
  var nodes = Array.prototype.slice.call(document.querySelectorAll("#plan .xpm-node"));
  var picked = null;
  function tagMatch(words, terms) {
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i], ok = false;
      for (var j = 0; j < words.length && !ok; j++) {
        ok = t.indexOf("=") >= 0 ? words[j] === t : words[j].split("=")[0] === t;
      }
      if (!ok) return false;
    }
    return true;
  }
  function apply() {
    var state = fState.value, task = fTask.value;
    var terms = fTag.value.trim() ? fTag.value.trim().split(/\\s+/) : [];
    var keys = picked ? picked.getAttribute("data-key").split(" ") : null;
    var shown = {}, n = 0;
    rows.forEach(function (r) {
      var words = r.getAttribute("data-tags") ? r.getAttribute("data-tags").split(" ") : [];
      var ok = (!state || r.getAttribute("data-state") === state) && (!task || r.getAttribute("data-task") === task) &&
        tagMatch(words, terms) && (!keys || keys.indexOf(r.getAttribute("data-key")) >= 0);
      r.classList.toggle("hidden", !ok);
      if (ok) { shown[r.getAttribute("data-key")] = true; n++; }
    });
    nodes.forEach(function (g) {
      var any = g.getAttribute("data-key").split(" ").some(function (k) { return shown[k]; });
      g.classList.toggle("dim", !any);
      g.classList.toggle("picked", g === picked);
    });
    count.textContent = n + " of " + rows.length + " jobs" + (picked ? " (of one graph node: click it again for all)" : "");
  }
  [fState, fTask].forEach(function (el) { el.addEventListener("change", apply); });
  fTag.addEventListener("input", apply);
  nodes.forEach(function (g) {
    g.addEventListener("click", function () { picked = picked === g ? null : g; apply(); });
  });
  function sortable(t) {
    var heads = Array.prototype.slice.call(t.tHead.rows[0].cells);
    heads.forEach(function (th, col) {
      th.addEventListener("click", function () {
        var asc = !th.classList.contains("asc");
        heads.forEach(function (h) { h.classList.remove("asc", "desc"); });
        th.classList.add(asc ? "asc" : "desc");
        var body = t.tBodies[0];
        var list = Array.prototype.slice.call(body.rows);
        list.sort(function (a, b) {
          var x = a.cells[col].getAttribute("data-v"), y = b.cells[col].getAttribute("data-v");
          if (x === null) x = a.cells[col].textContent;
          if (y === null) y = b.cells[col].textContent;
          var nx = Number(x), ny = Number(y);
          var c = x !== "" && y !== "" && !isNaN(nx) && !isNaN(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
          return asc ? c : -c;
        });
        list.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  sortable(table);
  var results = document.getElementById("results-table");
  if (results) sortable(results);
  apply();
})();
`;
