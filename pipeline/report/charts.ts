// The report's charts, drawn in Node as static SVG by Observable Plot on linkedom's DOM (no browser, no
// network: the SVG is inlined in report.html). Chosen over Vega-Lite + vega's View.toSVG() by measurement:
// 16 MB / 56 packages installed against 25 MB / 75, and 5–10× faster per chart (a histogram and a loss
// curve: ~35–60 ms against ~230–310 ms), with the same titles, axis labels and legends. Plot does not
// measure text, so label margins are sized here from the longest label.
//
// Every chart is a <figure class="chart" data-chart=ID> holding one SVG whose data marks are the children
// of its `g[aria-label=<mark>]` groups — what the browser test counts.

import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { escapeHtml, int } from './html.js';

const { document } = parseHTML('<!doctype html><html><body></body></html>');

const WIDTH = 760;
/** Approximate width of one character of Plot's 10 px sans-serif, for label margins. */
const CHAR_PX = 6;

function marginFor(labels: readonly string[], min = 40, max = 300): number {
  const longest = labels.reduce((n, l) => Math.max(n, l.length), 0);
  return Math.min(max, Math.max(min, longest * CHAR_PX + 14));
}

/** Labels longer than `n` characters are cut in the middle, so the ends (stage, file name) stay readable. */
export function shorten(label: string, n = 48): string {
  if (label.length <= n) return label;
  const half = Math.floor((n - 1) / 2);
  return `${label.slice(0, half)}…${label.slice(label.length - (n - 1 - half))}`;
}

function figure(id: string, title: string, note: string | undefined, plot: Plot.PlotOptions): string {
  const svg = Plot.plot({ document, width: WIDTH, style: { fontSize: '11px', background: 'white' }, ...plot } as Plot.PlotOptions);
  return [
    `<figure class="chart" data-chart="${escapeHtml(id)}">`,
    `<figcaption><strong>${escapeHtml(title)}</strong>${note ? `<br><span class="note">${escapeHtml(note)}</span>` : ''}</figcaption>`,
    (svg as unknown as { outerHTML: string }).outerHTML,
    '</figure>',
  ].join('\n');
}

export interface Bar {
  label: string;
  value: number;
  /** Colour group (a stage, a split); one colour when absent. */
  group?: string;
  tip?: string;
}

/**
 * Horizontal bars, largest first unless `keepOrder`. `xLog` draws counts that span orders of magnitude
 * (one language of thousands next to many of a few) on a log axis, from 0.5 so a count of 1 still shows.
 */
export function barChart(o: {
  id: string;
  title: string;
  note?: string;
  bars: Bar[];
  xLabel: string;
  keepOrder?: boolean;
  groupLabel?: string;
  colors?: Record<string, string>;
  xLog?: boolean;
}): string {
  const bars = o.bars.map((b) => ({ ...b, label: shorten(b.label) }));
  const grouped = bars.some((b) => b.group !== undefined);
  const labels = [...new Set(bars.map((b) => b.label))];
  const tip = (b: Bar) => b.tip ?? `${b.label}: ${b.value.toLocaleString('en-US')}`;
  const fill = grouped ? 'group' : '#4e79a7';
  const sort = o.keepOrder ? undefined : { y: '-x' as const };
  return figure(o.id, o.title, o.note, {
    height: Math.max(90, 22 * labels.length + 50),
    marginLeft: marginFor(bars.map((b) => b.label)),
    marginRight: 36,
    x: o.xLog ? { type: 'log', label: o.xLabel, domain: [0.5, Math.max(10, ...bars.map((b) => b.value)) * 1.2] } : { label: o.xLabel, grid: true, nice: true },
    y: { label: null, domain: o.keepOrder ? labels : undefined },
    color: grouped
      ? { legend: true, label: o.groupLabel, ...(o.colors ? { domain: Object.keys(o.colors), range: Object.values(o.colors) } : {}) }
      : undefined,
    marks: o.xLog
      ? [Plot.barX(bars, { x1: 0.5, x2: 'value', y: 'label', fill, sort, title: tip })]
      : [Plot.barX(bars, { x: 'value', y: 'label', fill, sort, title: tip }), Plot.ruleX([0])],
  });
}

export interface GroupedBar {
  category: string;
  series: string;
  value: number;
}

/** Bars side by side per category (requested vs realized share, train vs valid rows). */
export function groupedBarChart(o: { id: string; title: string; note?: string; bars: GroupedBar[]; xLabel: string; series: string[]; colors?: string[] }): string {
  const categories = [...new Set(o.bars.map((b) => b.category))];
  return figure(o.id, o.title, o.note, {
    height: Math.max(110, categories.length * o.series.length * 16 + 70),
    marginLeft: marginFor(categories),
    x: { label: o.xLabel, grid: true, nice: true },
    fy: { label: null, domain: categories },
    y: { axis: null, domain: o.series },
    color: { legend: true, domain: o.series, range: o.colors },
    marks: [
      Plot.barX(o.bars, { x: 'value', y: 'series', fy: 'category', fill: 'series', title: (b: GroupedBar) => `${b.category} ${b.series}: ${b.value}` }),
      Plot.ruleX([0]),
    ],
  });
}

export interface HistogramBar {
  lower: number;
  upper: number;
  value: number;
  /** Overlaid series (before filtering / kept); drawn in the order of `series`. */
  series: string;
}

/**
 * A log-binned histogram, series overlaid, small enough to sit two to a row: one per source, each with
 * its own y scale (sources differ by orders of magnitude) and a shared x domain so they compare.
 * Bins at 0 cannot sit on a log axis and are left out.
 */
export function histogramChart(o: {
  id: string;
  title: string;
  note?: string;
  bins: HistogramBar[];
  xLabel: string;
  yLabel: string;
  xDomain: [number, number];
  series: { name: string; color: string }[];
  /** Off for all but the first of a row of small multiples. */
  legend?: boolean;
}): string {
  const bins = o.bins.filter((b) => b.lower > 0);
  return figure(o.id, o.title, o.note, {
    width: 520,
    height: 220,
    marginLeft: 50,
    x: { type: 'log', label: o.xLabel, domain: o.xDomain },
    y: { label: o.yLabel, grid: true, nice: true },
    color: { legend: o.legend ?? true, domain: o.series.map((s) => s.name), range: o.series.map((s) => s.color) },
    marks: [
      ...o.series.map((s) =>
        Plot.rectY(
          bins.filter((b) => b.series === s.name),
          {
            x1: 'lower',
            x2: 'upper',
            y: 'value',
            fill: 'series',
            insetLeft: 0.5,
            title: (b: HistogramBar) => `${b.series}, ${int(b.lower)}–${int(b.upper - 1)}: ${b.value.toFixed(2)} %`,
          },
        ),
      ),
      Plot.ruleY([0]),
    ],
  });
}

export interface LineSeries {
  name: string;
  points: { x: number; y: number }[];
}

/** Line chart of one or more series over a shared x (training steps); dots where a series is sparse. */
export function lineChart(o: { id: string; title: string; note?: string; series: LineSeries[]; xLabel: string; yLabel: string; yLog?: boolean; width?: number }): string {
  const rows = o.series.flatMap((s) => s.points.filter((p) => Number.isFinite(p.y) && (!o.yLog || p.y > 0)).map((p) => ({ ...p, series: s.name })));
  const names = o.series.map((s) => s.name);
  const sparse = names.filter((n) => rows.filter((r) => r.series === n).length < 40);
  // A handful of steps: tick every step, not at 1.5 and 2.5.
  const xs = [...new Set(rows.map((r) => r.x))].sort((a, b) => a - b);
  const integerTicks = xs.length > 0 && xs.length <= 12 && xs.every(Number.isInteger) ? xs : undefined;
  return figure(o.id, o.title, o.note, {
    width: o.width ?? WIDTH,
    height: 280,
    marginLeft: 60,
    x: { label: o.xLabel, grid: true, ticks: integerTicks, tickFormat: integerTicks ? 'd' : undefined },
    y: { label: o.yLabel, grid: true, nice: true, type: o.yLog ? 'log' : 'linear' },
    color: { legend: names.length > 1, domain: names },
    marks: [
      Plot.lineY(rows, { x: 'x', y: 'y', z: 'series', stroke: 'series', strokeWidth: 1.6 }),
      Plot.dot(
        rows.filter((r) => sparse.includes(r.series)),
        { x: 'x', y: 'y', fill: 'series', r: 2.5, title: (r: { series: string; x: number; y: number }) => `${r.series} at ${r.x}: ${r.y}` },
      ),
    ],
  });
}

export interface TaskSpan {
  lane: string;
  step: string;
  /** Seconds since the run's first task started. */
  start: number;
  end: number;
  tip: string;
}

/** Gantt chart of tasks over time, one row per worker, coloured by step: a straggler is a long bar others wait for. */
export function timelineChart(o: { id: string; title: string; note?: string; tasks: TaskSpan[]; steps: string[] }): string {
  const lanes = [...new Set(o.tasks.map((t) => t.lane))].sort();
  return figure(o.id, o.title, o.note, {
    height: Math.max(120, lanes.length * 26 + 80),
    marginLeft: marginFor(lanes),
    x: { label: 'seconds since the run started', grid: true },
    y: { label: null, domain: lanes },
    color: { legend: true, domain: o.steps, label: 'step' },
    marks: [
      Plot.barX(o.tasks, { x1: 'start', x2: (t: TaskSpan) => Math.max(t.end, t.start + 0.01), y: 'lane', fill: 'step', insetTop: 3, insetBottom: 3, stroke: 'white', strokeWidth: 0.5, title: 'tip' }),
    ],
  });
}

export interface TaskDot {
  step: string;
  value: number;
  tip: string;
}

/** One dot per task along a value (duration, throughput), one row per step: outliers are the stragglers. */
export function dotChart(o: { id: string; title: string; note?: string; dots: TaskDot[]; xLabel: string; steps: string[] }): string {
  return figure(o.id, o.title, o.note, {
    height: Math.max(110, o.steps.length * 30 + 60),
    marginLeft: marginFor(o.steps),
    x: { label: o.xLabel, grid: true, nice: true },
    y: { label: null, domain: o.steps },
    marks: [Plot.dot(o.dots, { x: 'value', y: 'step', stroke: '#4e79a7', fill: '#4e79a7', fillOpacity: 0.4, r: 4, title: 'tip' }), Plot.ruleX([0])],
  });
}

export interface Range {
  label: string;
  mean: number;
  min: number;
  max: number;
}

/** A dot at the mean and a line from lowest to highest per row, with an optional threshold line. */
export function rangeChart(o: { id: string; title: string; note?: string; rows: Range[]; xLabel: string; threshold?: number; domain?: [number, number] }): string {
  return figure(o.id, o.title, o.note, {
    height: Math.max(90, 22 * o.rows.length + 50),
    marginLeft: marginFor(o.rows.map((r) => r.label)),
    x: { label: o.xLabel, grid: true, domain: o.domain },
    y: { label: null, domain: o.rows.map((r) => r.label) },
    marks: [
      Plot.ruleY(o.rows, { x1: 'min', x2: 'max', y: 'label', stroke: '#9aa3b2', strokeWidth: 2 }),
      Plot.dot(o.rows, { x: 'mean', y: 'label', fill: '#4e79a7', r: 4, title: (r: Range) => `${r.label}: mean ${r.mean.toFixed(3)}, ${r.min.toFixed(3)}–${r.max.toFixed(3)}` }),
      ...(o.threshold !== undefined ? [Plot.ruleX([o.threshold], { stroke: '#e15759', strokeDasharray: '4,3' })] : []),
    ],
  });
}
