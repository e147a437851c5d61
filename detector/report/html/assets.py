"""The report's inline stylesheet and script, and the Content-Security-Policy that pins them.

The policy allows nothing from outside the file (``default-src 'none'``); the
one ``<style>`` block and the one ``<script>`` block are allowed by their
SHA-256 hashes, so any script or style injected through the data would be
refused by the browser even if escaping ever failed.
"""

from __future__ import annotations

import base64
import hashlib

__all__ = ["CSS", "SCRIPT", "csp_hash", "content_security_policy"]

CSS = """
:root{--ink:#1d2330;--muted:#5b6573;--line:#d8dee6;--bg:#f5f7fa;--card:#fff;--accent:#1f4e8c;
--high:#b3261e;--medium:#c25e00;--low:#8a6d00;--none:#1e7a46}
*{box-sizing:border-box}
html{font-size:16px}
body{margin:0;background:var(--bg);color:var(--ink);line-height:1.5;
font-family:"Segoe UI","Noto Sans","Helvetica Neue",Arial,"Noto Sans CJK SC","Microsoft YaHei",sans-serif}
header.top{background:#17212f;color:#fff;padding:14px 28px;display:flex;justify-content:space-between;align-items:baseline;flex-wrap:wrap;gap:8px}
header.top h1{font-size:1.25rem;margin:0;font-weight:600}
header.top .meta{font-size:.85rem;color:#c7d0dc}
nav.toc{background:#fff;border-bottom:1px solid var(--line);padding:8px 28px;font-size:.9rem}
nav.toc a{color:var(--accent);margin-right:18px;text-decoration:none}
nav.toc a:hover{text-decoration:underline}
main{max-width:1180px;margin:0 auto;padding:20px 28px 60px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:18px 24px;margin:0 0 22px}
h2{font-size:1.3rem;margin:0 0 10px;color:#17212f}
h3{font-size:1.1rem;margin:18px 0 8px}
h4{font-size:.95rem;margin:16px 0 6px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
p.lead{color:var(--muted);margin:0 0 12px}
.verdict{border-left:10px solid var(--none);padding:18px 24px}
.verdict.high{border-left-color:var(--high);background:#fdf1f0}
.verdict.medium{border-left-color:var(--medium);background:#fff5eb}
.verdict.low{border-left-color:var(--low);background:#fffbe6}
.verdict.none{border-left-color:var(--none);background:#eef8f2}
.verdict.undetermined{border-left-color:var(--low);background:#f3f3f6}
.badge{display:inline-block;color:#fff;font-weight:700;border-radius:4px;padding:2px 10px;font-size:.85rem;
letter-spacing:.05em;text-transform:uppercase;background:var(--none)}
.badge.high{background:var(--high)}.badge.medium{background:var(--medium)}.badge.low{background:var(--low)}.badge.undetermined{background:var(--low)}
.verdict .headline{font-size:1.45rem;font-weight:650;margin:10px 0 8px;line-height:1.3}
.verdict ul{margin:6px 0 12px;padding-left:22px}
.figures{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0 4px}
.figure{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:150px}
.figure .v{font-size:1.35rem;font-weight:650}
.figure .k{font-size:.8rem;color:var(--muted)}
.caveat{font-size:.9rem;color:var(--muted);margin:8px 0 0}
.input-warning{border:2px solid var(--medium);background:#fff5eb;border-radius:6px;padding:6px 14px;margin:8px 0 12px}
.input-warning p{margin:4px 0}
.account-verdict{font-size:1.15rem;margin:0 0 10px}
.numbers ul{columns:2;column-gap:28px}
p.confidence{font-size:1.05rem;margin:6px 0 10px;padding:6px 10px;border-radius:4px;background:#f3f3f6}
p.confidence.strong{background:#fdf1f0}p.confidence.moderate{background:#fff5eb}
svg.chart{width:100%;height:auto;display:block;font-family:inherit}
svg .tick{font-size:11px;fill:#5b6573}
svg .legend{font-size:12px;fill:#1d2330}
svg .rowlabel{font-size:11px;fill:#1d2330}
svg .nodelabel{font-size:11px;fill:#1d2330;paint-order:stroke;stroke:#fff;stroke-width:3px}
svg .grid{stroke:#e6eaf0;stroke-width:1}
svg .axis{stroke:#5b6573;stroke-width:1}
svg .node{stroke:#fff;stroke-width:1.2}
.cluster{border-top:3px solid var(--line);padding-top:12px;margin-top:22px}
.cluster:first-of-type{border-top:none;margin-top:4px}
.cluster-head{display:flex;flex-wrap:wrap;gap:10px;align-items:baseline}
.cluster-head h3{margin:0}
.pill{display:inline-block;background:#eef2f7;border-radius:10px;padding:1px 9px;font-size:.82rem;color:#334}
.pill.flag{background:#fbe3e1;color:var(--high);font-weight:600}
.twocol{display:grid;grid-template-columns:minmax(0,1.15fr) minmax(0,1fr);gap:20px;align-items:start}
@media (max-width:820px){.twocol{grid-template-columns:1fr}}
.posts{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:10px}
.post{border:1px solid var(--line);border-radius:6px;padding:8px 12px;background:#fbfcfe}
.post .who{font-size:.82rem;color:var(--muted);margin-bottom:4px}
.post .who b{color:var(--ink)}
.post .txt{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.95rem}
td,li,b,.txt,.obj,.headline,h1{unicode-bidi:isolate}
code,.obj{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.86rem;overflow-wrap:anywhere}
.tablewrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:6px 0 10px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef2f7;font-weight:600;vertical-align:bottom}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td{overflow-wrap:break-word}
td:first-child,td .obj{overflow-wrap:anywhere}
td.num{white-space:nowrap;overflow-wrap:normal}
tr.flagged td:first-child{border-left:4px solid var(--high)}
th button{all:unset;cursor:pointer;display:inline}
th button:focus-visible{outline:2px solid var(--accent)}
th button::after{content:" \\2195";color:#8a94a3;font-size:.8em;white-space:nowrap}
th[aria-sort=ascending] button::after{content:" \\25B2";color:var(--accent)}
th[aria-sort=descending] button::after{content:" \\25BC";color:var(--accent)}
table.wide{font-size:.84rem}
table.kv td:first-child{white-space:nowrap;overflow-wrap:normal;width:1%;padding-right:24px}
header.top .pseudo{background:#f0c36d;color:#17212f;border-radius:4px;padding:1px 8px;margin-left:10px;font-weight:600}
ul.reasons{margin:4px 0 8px;padding-left:20px}
td details summary{cursor:pointer}
td details ul.reasons{font-size:.85rem;color:#333}
.obj.id{font-size:.78rem;color:var(--muted)}
.note{font-size:.88rem;color:var(--muted)}
dl.defs dt{font-weight:650;margin-top:8px}
dl.defs dd{margin:2px 0 0 0;color:#333}
footer{max-width:1180px;margin:0 auto;padding:0 28px 40px;font-size:.82rem;color:var(--muted)}
@media print{body{background:#fff}nav.toc{display:none}section{break-inside:avoid-page;border:none;padding:0}}
"""

SCRIPT = """
(function () {
  'use strict';
  function cellKey(row, col, numeric) {
    var cell = row.cells[col];
    if (!cell) { return numeric ? null : ''; }
    var raw = cell.getAttribute('data-v');
    if (numeric) {
      if (raw === null || raw === '') { return null; }
      var x = parseFloat(raw);
      return isNaN(x) ? null : x;
    }
    return (raw === null ? cell.textContent : raw).trim().toLowerCase();
  }
  function sortBy(table, th, col) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var numeric = th.getAttribute('data-type') === 'num';
    var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var a = cellKey(r1, col, numeric), b = cellKey(r2, col, numeric);
      if (a === null && b !== null) { return 1; }
      if (b === null && a !== null) { return -1; }
      if (a !== null && b !== null && a !== b) { return a < b ? -dir : dir; }
      return parseInt(r1.getAttribute('data-i'), 10) - parseInt(r2.getAttribute('data-i'), 10);
    });
    var heads = table.tHead.rows[0].cells;
    for (var i = 0; i < heads.length; i++) { heads[i].removeAttribute('aria-sort'); }
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    for (var k = 0; k < rows.length; k++) { body.appendChild(rows[k]); }
  }
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function (table) {
    if (!table.tHead) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var button = th.querySelector('button');
      if (button) { button.addEventListener('click', function () { sortBy(table, th, col); }); }
    });
  });
})();
"""


def csp_hash(source: str) -> str:
    """CSP source expression for an inline block: ``'sha256-<base64>'`` of its exact UTF-8 text."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy() -> str:
    """The report's policy: nothing external, only the hashed inline style and script."""
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src {csp_hash(CSS)}",
            f"script-src {csp_hash(SCRIPT)}",
            "img-src data:",
            "font-src 'none'",
            "connect-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
