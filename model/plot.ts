// Renders the loss curve of a run as a small self-contained SVG (train loss, and held-out loss when
// present), so a run directory can be inspected without Python or a plotting library.

export interface Series {
  label: string;
  color: string;
  points: [number, number][]; // [step, loss]
}

const W = 640;
const H = 400;
const M = { left: 56, right: 16, top: 28, bottom: 40 };

function niceTicks(lo: number, hi: number, n: number): number[] {
  const span = hi - lo || 1;
  const raw = span / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) ticks.push(Number(t.toPrecision(6)));
  return ticks;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function lossCurveSvg(title: string, series: Series[]): string {
  const all = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y);
  const x0 = Math.min(0, ...xs);
  const x1 = Math.max(1, ...xs);
  const y0 = all.length ? Math.min(...ys) : 0;
  const y1 = all.length ? Math.max(...ys) : 1;
  const pad = (y1 - y0) * 0.05 || 0.5;
  const [lo, hi] = [Math.max(0, y0 - pad), y1 + pad];
  const px = (x: number) => M.left + ((x - x0) / (x1 - x0)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - ((y - lo) / (hi - lo)) * (H - M.top - M.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${esc(title)}</text>`,
  ];
  for (const t of niceTicks(lo, hi, 6)) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" stroke="#eee"/>`);
    out.push(`<text x="${M.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`);
  }
  for (const t of niceTicks(x0, x1, 8)) {
    out.push(`<text x="${px(t).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${t}</text>`);
  }
  out.push(`<text x="${W / 2}" y="${H - 6}" text-anchor="middle">step</text>`);
  out.push(`<text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">loss</text>`);
  out.push(`<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#888"/>`);
  series.forEach((s, i) => {
    const pts = s.points.filter(([, y]) => Number.isFinite(y));
    if (pts.length > 0) {
      const d = pts.map(([x, y], k) => `${k ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join('');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
      if (pts.length < 30) for (const [x, y] of pts) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
    }
    out.push(`<text x="${W - M.right - 8}" y="${M.top + 16 + i * 14}" text-anchor="end" fill="${s.color}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
