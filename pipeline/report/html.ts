// The page around the charts: escaping, sortable tables, expandable examples, summary cards, and the
// one inline stylesheet and script. Self-contained on purpose: report.html opens from a file, offline.

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const pct = (x: number, digits = 2): string => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)} %` : '–');
export const num = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** A table cell: text, a number (formatted, sorted by value), or either with an explicit sort value. */
export type Cell = string | number | { text: string; sort?: number } | { html: string; sort?: number };

export interface Column {
  label: string;
  /** Right-aligned and sorted as a number. */
  numeric?: boolean;
  /** `data-col` of the cells, for scripts and tests reading the table. */
  key?: string;
  title?: string;
}

function cellHtml(c: Cell, col: Column, tag: 'td' | 'th'): string {
  const attrs: string[] = [];
  if (col.key) attrs.push(`data-col="${escapeHtml(col.key)}"`);
  if (col.numeric) attrs.push('class="n"');
  let body: string;
  if (typeof c === 'number') {
    attrs.push(`data-v="${c}"`);
    body = Number.isInteger(c) ? int(c) : num(c);
  } else if (typeof c === 'string') {
    body = escapeHtml(c);
  } else {
    if (c.sort !== undefined) attrs.push(`data-v="${c.sort}"`);
    body = 'html' in c ? c.html : escapeHtml(c.text);
  }
  return `<${tag}${attrs.length ? ' ' + attrs.join(' ') : ''}>${body}</${tag}>`;
}

/** A table; sortable by clicking a header unless `sortable` is false. Footer rows stay put. */
export function table(o: { id: string; columns: Column[]; rows: Cell[][]; footer?: Cell[][]; sortable?: boolean }): string {
  const sortable = o.sortable !== false;
  const head = o.columns
    .map((c) => `<th${c.numeric ? ' class="n"' : ''}${c.title ? ` title="${escapeHtml(c.title)}"` : ''}${sortable ? ' tabindex="0"' : ''}>${escapeHtml(c.label)}</th>`)
    .join('');
  const rows = o.rows.map((r) => `<tr>${r.map((c, i) => cellHtml(c, o.columns[i], 'td')).join('')}</tr>`).join('\n');
  const foot = o.footer?.length ? `<tfoot>${o.footer.map((r) => `<tr>${r.map((c, i) => cellHtml(c, o.columns[i], 'td')).join('')}</tr>`).join('')}</tfoot>` : '';
  return `<div class="table-wrap"><table data-table="${escapeHtml(o.id)}"${sortable ? ' class="sortable"' : ''}><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody>${foot}</table></div>`;
}

/** Collapsed by default; the summary line is always shown. */
export function details(summary: string, bodyHtml: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${summary}</summary>${bodyHtml}</details>`;
}

export function cards(items: { label: string; value: string; note?: string }[]): string {
  return `<div class="cards">${items
    .map((c) => `<div class="card"><div class="label">${escapeHtml(c.label)}</div><div class="value">${escapeHtml(c.value)}</div>${c.note ? `<div class="note">${escapeHtml(c.note)}</div>` : ''}</div>`)
    .join('')}</div>`;
}

export function note(text: string): string {
  return `<p class="note">${escapeHtml(text)}</p>`;
}

export interface Section {
  id: string;
  title: string;
  html: string;
}

const STYLE = `
:root { color-scheme: light; --fg: #1d2330; --muted: #5b6475; --line: #dde1e8; --bg: #f6f7f9; --accent: #4e79a7; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
header { background: #1d2330; color: #fff; padding: 18px 28px; }
header h1 { margin: 0; font-size: 20px; font-weight: 600; }
header .sub { color: #c3c9d4; margin-top: 4px; word-break: break-all; }
nav { padding: 8px 28px; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2; }
nav a { margin-right: 14px; color: var(--accent); text-decoration: none; white-space: nowrap; }
main { max-width: 1180px; margin: 0 auto; padding: 12px 28px 40px; }
section { scroll-margin-top: 44px; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 4px 20px 16px; margin: 16px 0; }
h2 { font-size: 17px; margin: 14px 0 8px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.note { color: var(--muted); font-size: 12.5px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 150px; background: #fbfcfd; }
.card .label { color: var(--muted); font-size: 12px; }
.card .value { font-size: 19px; font-weight: 600; }
figure.chart { margin: 14px 0; }
figure.chart figcaption { margin-bottom: 4px; }
figure.chart svg { max-width: 100%; height: auto; }
.table-wrap { overflow-x: auto; margin: 8px 0; }
table { border-collapse: collapse; font-size: 13px; min-width: 50%; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; white-space: nowrap; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[aria-sort=ascending]::after { content: " ▲"; font-size: 10px; }
table.sortable th[aria-sort=descending]::after { content: " ▼"; font-size: 10px; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tfoot td { font-weight: 600; border-top: 2px solid var(--line); }
tbody tr:nth-child(even) { background: #fafbfc; }
details { border: 1px solid var(--line); border-radius: 4px; margin: 6px 0; padding: 4px 10px; background: #fcfcfd; }
details summary { cursor: pointer; }
pre.doc { white-space: pre-wrap; word-break: break-word; background: #f4f5f7; border-radius: 4px; padding: 6px 8px; margin: 4px 0 8px; font-size: 12px; max-height: 16em; overflow: auto; }
code { font-size: 12.5px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 0 24px; }
`;

// Sorting by a header click; numbers by their data-v value, text otherwise. No data inside the script.
const SCRIPT = `
document.querySelectorAll('table.sortable').forEach(function (table) {
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    function sort() {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      function key(row) {
        var cell = row.cells[col];
        var v = cell && cell.getAttribute('data-v');
        return v !== null && v !== '' && !isNaN(Number(v)) ? Number(v) : (cell ? cell.textContent.toLowerCase() : '');
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
  });
});
`;

export function page(o: { title: string; subtitle: string; kind: string; sections: Section[] }): string {
  const nav = o.sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join('');
  const body = o.sections.map((s) => `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="biglm report (${escapeHtml(o.kind)})">
<title>${escapeHtml(o.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(o.title)}</h1><div class="sub">${escapeHtml(o.subtitle)}</div></header>
<nav>${nav}</nav>
<main>
${body}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
