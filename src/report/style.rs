//! The report's inline style sheet (screen and print: A4 and Letter alike, as the page box is
//! left to the printer's paper size) and the cohort page's sorting and filtering script.
//! Colours pass WCAG AA contrast on white; decisions also differ by shape and by word.

pub const CSS: &str = r#"
:root { --refer: #b00020; --rest: #1f4e9a; --regress: #9a4300; --hold: #4a5568; --progress: #1b6e36;
  --ink: #1a1a1a; --muted: #555; --line: #c8c8c8; --safe: #e3f4e6; --acceptable: #fff3cd; --stop: #f9dcdc; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: #fff; margin: 0 auto; padding: 1rem 1.5rem; max-width: 1100px; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0.2rem 0 0.6rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--line); padding-bottom: 0.2rem; margin-top: 1.6rem; }
h3 { font-size: 1.05rem; margin: 0.9rem 0 0.3rem; }
a { color: #0b4f9c; }
a:focus, button:focus, [tabindex]:focus { outline: 3px solid #0b4f9c; outline-offset: 2px; }
.pid { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.meta { display: flex; flex-wrap: wrap; gap: 0.3rem 1.6rem; margin: 0 0 0.8rem; }
.meta div { min-width: 8rem; }
.meta dt { font-size: 0.8rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.03em; }
.meta dd { margin: 0; font-weight: 600; }
.meta .digest { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.75rem; font-weight: 400; word-break: break-all; max-width: 34rem; }
.decision { display: grid; grid-template-columns: auto 1fr; column-gap: 1rem; align-items: center;
  border: 3px solid currentColor; border-radius: 10px; padding: 0.6rem 1rem; margin: 0.6rem 0; }
.decision .big-icon svg { width: 56px; height: 56px; grid-row: span 3; }
.decision .big-icon { grid-row: span 3; }
.decision p { margin: 0; }
.decision-word { font-size: 2.6rem; font-weight: 800; letter-spacing: 0.04em; line-height: 1.1; }
.decision-words { font-size: 1.15rem; font-weight: 600; }
.urgency { font-weight: 700; }
.urgency.u-urgent { text-transform: uppercase; }
.d-refer { color: var(--refer); } .d-rest { color: var(--rest); } .d-regress { color: var(--regress); }
.d-hold { color: var(--hold); } .d-progress { color: var(--progress); }
.icon { vertical-align: -3px; margin-right: 0.3rem; }
.icon .shape { fill: currentColor; }
.notice { border-left: 5px solid var(--hold); padding: 0.3rem 0.7rem; background: #f4f4f6; }
.notice.alert { border-color: var(--refer); background: #fbecee; font-weight: 600; }
.reasons li { margin: 0.3rem 0; }
.source { color: var(--muted); font-size: 0.88rem; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 0.3rem 1.1rem; padding: 0; margin: 0.4rem 0; font-size: 0.9rem; }
.legend li { display: flex; align-items: center; }
.legend .icon { color: inherit; }
.legend li:nth-child(1) { color: var(--refer); } .legend li:nth-child(2) { color: var(--rest); }
.legend li:nth-child(3) { color: var(--regress); } .legend li:nth-child(4) { color: var(--hold); }
.legend li:nth-child(5) { color: var(--progress); }
.ev-key { display: inline-block; width: 1.1rem; height: 1.1rem; line-height: 1.1rem; text-align: center; border-radius: 3px;
  border: 1.5px solid var(--ink); font-size: 0.75rem; font-weight: 700; margin-right: 0.3rem; }
.ev-key.ev-flag { background: var(--refer); color: #fff; border-color: var(--refer); }
.gap-key { display: inline-block; width: 1.6rem; height: 0.9rem; margin-right: 0.3rem; border: 1px solid #888;
  background: #dcdcdc; border-style: dashed; }
.fig { margin: 0.8rem 0 1.2rem; break-inside: avoid; page-break-inside: avoid; }
.fig figcaption { font-size: 0.88rem; color: var(--muted); }
svg.chart { width: 100%; height: auto; display: block; font-size: 11px; font-family: inherit; }
svg.chart .phase { stroke: none; } svg.chart .phase-0 { fill: #eef2f8; } svg.chart .phase-1 { fill: #f7f1e8; } svg.chart .phase-2 { fill: #eef6ee; }
svg.chart .phase-label { fill: #333; font-size: 11px; font-weight: 600; }
svg.chart .gap { fill: #888; fill-opacity: 0.18; stroke: #777; stroke-dasharray: 3 3; }
svg.chart .rest-day { stroke: var(--rest); stroke-width: 2; stroke-dasharray: 2 3; }
svg.chart .axis { stroke: #333; } svg.chart .tick { stroke: #333; } svg.chart .grid { stroke: #d6d6d6; stroke-dasharray: 2 3; }
svg.chart .tick-label, svg.chart .row-label, svg.chart .zone-label { fill: #333; }
svg.chart .zone.safe { fill: var(--safe); } svg.chart .zone.acceptable { fill: var(--acceptable); } svg.chart .zone.stop { fill: var(--stop); }
svg.chart .zone { fill-opacity: 0.9; }
svg.chart polyline { fill: none; stroke-width: 2; }
svg.chart .series .pt { stroke: #fff; stroke-width: 1; }
svg.chart .s0 polyline { stroke: #1f4e9a; } svg.chart .s0 .pt { fill: #1f4e9a; }
svg.chart .s1 polyline { stroke: #b00020; stroke-dasharray: 6 3; } svg.chart .s1 .pt { fill: #b00020; }
svg.chart .s2 polyline { stroke: #6a3d9a; stroke-dasharray: 2 2; } svg.chart .s2 .pt { fill: #6a3d9a; }
svg.chart .s3 polyline { stroke: #1b6e36; stroke-dasharray: 8 2 2 2; } svg.chart .s3 .pt { fill: #1b6e36; }
svg.chart .s4 polyline { stroke: #9a4300; } svg.chart .s4 .pt { fill: #9a4300; }
svg.chart .s5 polyline { stroke: #333; stroke-dasharray: 4 4; } svg.chart .s5 .pt { fill: #333; }
svg.chart .mark .shape { fill: currentColor; stroke: #fff; stroke-width: 1; }
svg.chart .mark.next circle { fill: #fff; stroke: #333; stroke-width: 2; stroke-dasharray: 3 2; }
svg.chart .event rect { fill: #fff; stroke: #333; stroke-width: 1.2; }
svg.chart .event text { font-size: 10px; font-weight: 700; fill: #1a1a1a; }
svg.chart .event.ev-flag rect { fill: var(--refer); stroke: var(--refer); } svg.chart .event.ev-flag text { fill: #fff; }
svg.chart .event.ev-override rect { stroke: #6a3d9a; stroke-width: 2; }
svg.chart .bar { fill: #1f4e9a; fill-opacity: 0.8; }
.data summary { cursor: pointer; font-size: 0.85rem; color: #0b4f9c; }
table { border-collapse: collapse; width: 100%; font-size: 0.88rem; margin: 0.4rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: 0.25rem 0.4rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
tr.outvoted { color: var(--muted); }
.handout { border: 2px solid var(--ink); border-radius: 10px; padding: 0.4rem 1.2rem 1rem; margin-top: 1.6rem; font-size: 1.08rem; }
.handout h2 { border: 0; }
.exercises { padding-left: 1.4rem; }
.exercise { margin: 0.6rem 0 0.9rem; break-inside: avoid; page-break-inside: avoid; }
.exercise h3 { margin: 0; font-size: 1.15rem; }
.exercise .level { margin: 0; color: var(--muted); }
.exercise .dose { margin: 0.1rem 0; font-size: 1.3rem; font-weight: 700; }
.cues { margin: 0.1rem 0; }
.stop-box { border: 3px solid var(--refer); padding: 0.6rem 0.9rem; font-size: 1.2rem; }
.when-stop { border-top: 2px dashed var(--line); margin-top: 0.8rem; break-inside: avoid; page-break-inside: avoid;
  display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); gap: 0 1.2rem; }
.when-stop ul { padding-left: 1.1rem; margin: 0.2rem 0; }
.messages p { font-style: italic; }
.small { font-size: 0.9rem; color: var(--muted); }
.trace summary { cursor: pointer; font-weight: 600; }
.trace .o-fired td:nth-child(2) { font-weight: 700; }
.notes .date { font-weight: 600; margin-right: 0.4rem; }
.patient { border-top: 4px solid var(--ink); margin-top: 2rem; padding-top: 0.5rem; }
main > .patient:first-child { border-top: 0; margin-top: 0; }
.controls { margin: 0.6rem 0; display: flex; gap: 1rem; flex-wrap: wrap; align-items: center; }
.controls input, .controls select { font: inherit; padding: 0.2rem 0.4rem; }
.cohort-table th button { font: inherit; font-weight: 700; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; text-align: left; }
.cohort-table th[aria-sort="ascending"] button::after { content: " ▲"; }
.cohort-table th[aria-sort="descending"] button::after { content: " ▼"; }
.cohort-table .error { color: var(--refer); font-weight: 700; }
.cohort-table td[class^="d-"] { white-space: nowrap; }
tr.error-row { background: #fbecee; }
svg.spark polyline { fill: none; stroke: #1a1a1a; stroke-width: 1.5; }
svg.spark circle { fill: #1a1a1a; } svg.spark .zone.stop { fill: var(--stop); }
.provenance { margin: 0 0 0.4rem; color: var(--muted); }
.provenance .digest { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.8rem; word-break: break-all; }
.failed pre { white-space: pre-wrap; background: #f6f6f6; padding: 0.6rem; font-size: 0.85rem; }
footer { margin-top: 2rem; border-top: 1px solid var(--line); font-size: 0.82rem; color: var(--muted); }
@page { margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .no-print, .controls, .back { display: none !important; }
  details.data { display: none; }
  .handout { break-before: page; page-break-before: always; font-size: 10pt; padding: 0 4mm 2mm; }
  .exercises { columns: 2; column-gap: 8mm; margin: 0.3rem 0; }
  .exercise { margin: 0 0 0.5rem; }
  .exercise .dose { font-size: 12.5pt; }
  .cues { padding-left: 0; list-style: none; font-size: 9.5pt; }
  .cues li { display: inline; }
  .cues li + li::before { content: " · "; }
  .when-stop { grid-template-columns: repeat(3, 1fr); font-size: 9.5pt; }
  .fig { margin: 0.2rem 0 0.5rem; }
  .fig h3 { margin: 0.2rem 0 0; }
  svg.chart { max-height: 62mm; }
  h2 { margin-top: 0.8rem; }
  footer { margin-top: 3mm; }
  .clinician { break-before: page; page-break-before: always; }
  .patient { break-before: page; page-break-before: always; border-top: 0; }
  main > .patient:first-child { break-before: auto; page-break-before: auto; }
  a { color: inherit; text-decoration: none; }
  th { background: #eee; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  svg.chart, .decision, .zone { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// Sorting (click a column header; again to reverse) and filtering (text and decision) of the
/// cohort table. Plain DOM script, inline; the table is complete without it.
pub const COHORT_JS: &str = r#"(function () {
  "use strict";
  var table = document.getElementById("cohort-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById("filter");
  var decision = document.getElementById("decision-filter");
  var shown = document.getElementById("shown");
  function apply() {
    var text = (filter.value || "").toLowerCase();
    var want = decision.value;
    var n = 0;
    rows.forEach(function (r) {
      var ok = (!want || r.dataset.decision === want) && (!text || r.textContent.toLowerCase().indexOf(text) >= 0);
      r.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + " of " + rows.length + " shown";
  }
  function sortBy(button) {
    var key = button.dataset.key, numeric = button.dataset.kind === "num";
    var th = button.parentNode;
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = a.dataset[key] || "", y = b.dataset[key] || "", c;
      if (numeric) { c = parseFloat(x) - parseFloat(y); } else { c = x.localeCompare(y); }
      if (c === 0) { c = parseFloat(a.dataset.order) - parseFloat(b.dataset.order); return c; }
      return c * dir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(table.querySelectorAll("th button"), function (b) {
    b.addEventListener("click", function () { sortBy(b); });
  });
  filter.addEventListener("input", apply);
  decision.addEventListener("change", apply);
  // A link may carry a view: #sort=days (or #sort=-days, descending)&decision=refer&filter=text.
  var hash = window.location.hash.replace(/^#/, "");
  if (hash.indexOf("=") > 0) {
    hash.split("&").forEach(function (part) {
      var kv = part.split("="), key = kv[0], value = decodeURIComponent(kv[1] || "");
      if (key === "sort") {
        var b = table.querySelector("th button[data-key='" + value.replace(/^-/, "").replace(/[^a-z]/g, "") + "']");
        if (b) { sortBy(b); if (value.charAt(0) === "-") { sortBy(b); } }
      } else if (key === "decision") {
        decision.value = value;
      } else if (key === "filter") {
        filter.value = value;
      }
    });
  }
  apply();
})();
"#;
