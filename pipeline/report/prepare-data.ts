// Sections of a prepare run's report about the data itself: document lengths per source before and after
// filtering (the histograms the run's probes recorded, report/collect.ts), languages with their scores,
// tokens per source and per shard, and the duplicate clusters.

import * as path from 'node:path';
import type { Stats } from '../core/stats.js';
import { histogramBins, histogramQuantile, type HistogramRecord } from '../core/histogram.js';
import { readDedupReport } from '../dedup/report.js';
import type { ShardInfo } from '../../formats/token-shards/write.js';
import type { PrepareFiles } from './run-files.js';
import { largestClusters } from './run-files.js';
import { barChart, histogramChart, rangeChart, shorten, type HistogramBar } from './charts.js';
import { details, escapeHtml, int, note, num, pct, table, type Section } from './html.js';

interface SourceLengths {
  group: string;
  before?: HistogramRecord;
  after?: HistogramRecord;
  tokens?: HistogramRecord;
  docsBefore: number;
  docsAfter: number;
  charsBefore: number;
  charsAfter: number;
  tokenSum: number;
}

/** The probes' histograms and counters, per source group (`<point>:<what>:<group>` in any stage's stats). */
export function sourceLengths(stats: Stats): SourceLengths[] {
  const out = new Map<string, SourceLengths>();
  const get = (group: string) => {
    let s = out.get(group);
    if (!s) out.set(group, (s = { group, docsBefore: 0, docsAfter: 0, charsBefore: 0, charsAfter: 0, tokenSum: 0 }));
    return s;
  };
  const parse = (key: string) => {
    const m = /^(before|after):(chars|tokens|docs):(.*)$/.exec(key);
    return m ? { point: m[1], what: m[2], group: m[3] } : undefined;
  };
  for (const stage of Object.values(stats.stages)) {
    for (const [key, h] of Object.entries(stage.histograms ?? {})) {
      const k = parse(key);
      if (!k) continue;
      const s = get(k.group);
      if (k.what === 'tokens') s.tokens = h;
      else if (k.point === 'before') s.before = h;
      else s.after = h;
    }
    for (const [key, n] of Object.entries(stage.counters)) {
      const k = parse(key);
      if (!k) continue;
      const s = get(k.group);
      if (k.what === 'docs') s[k.point === 'before' ? 'docsBefore' : 'docsAfter'] += n;
      else if (k.what === 'chars') s[k.point === 'before' ? 'charsBefore' : 'charsAfter'] += n;
      else s.tokenSum += n;
    }
  }
  return [...out.values()].sort((a, b) => (a.group < b.group ? -1 : 1));
}

function bins(h: HistogramRecord | undefined, total: number, series: string): HistogramBar[] {
  if (!h || total === 0) return [];
  return histogramBins(h).map((b) => ({ lower: b.lower, upper: b.upper, value: (100 * b.count) / total, series }));
}

/** One x domain for every source's chart (of the non-empty bins), so their shapes compare. */
function sharedDomain(hs: (HistogramRecord | undefined)[]): [number, number] {
  const all = hs.flatMap((h) => (h ? histogramBins(h).filter((b) => b.lower > 0 && b.count > 0) : []));
  if (all.length === 0) return [1, 10];
  return [Math.min(...all.map((b) => b.lower)), Math.max(...all.map((b) => b.upper))];
}

export function lengthsSection(stats: Stats): Section | undefined {
  const sources = sourceLengths(stats);
  if (sources.length === 0) return undefined;
  const charDomain = sharedDomain(sources.flatMap((s) => [s.before, s.after]));
  const tokenDomain = sharedDomain(sources.map((s) => s.tokens));
  const charCharts = sources.map((s, i) => {
    const base = s.docsBefore || s.docsAfter;
    return histogramChart({
      legend: i === 0,
      id: `lengths-characters-${s.group}`,
      title: shorten(s.group, 70),
      note: `${int(s.docsBefore)} documents before filtering, ${int(s.docsAfter)} kept`,
      bins: [...bins(s.before, base, 'before filtering'), ...bins(s.after, base, 'kept')],
      xLabel: 'characters per document (log scale) →',
      yLabel: '↑ % of documents before filtering',
      xDomain: charDomain,
      series: [
        { name: 'before filtering', color: '#c9ced6' },
        { name: 'kept', color: '#4e79a7' },
      ],
    });
  });
  const tokenCharts = sources
    .filter((s) => s.tokens && s.docsAfter > 0)
    .map((s) =>
      histogramChart({
        legend: false,
        id: `lengths-tokens-${s.group}`,
        title: shorten(s.group, 70),
        note: `${int(s.docsAfter)} kept documents, ${int(s.tokenSum)} tokens`,
        bins: bins(s.tokens, s.docsAfter, 'kept'),
        xLabel: 'tokens per document (log scale) →',
        yLabel: '↑ % of kept documents',
        xDomain: tokenDomain,
        series: [{ name: 'kept', color: '#59a14f' }],
      }),
    );
  const chars =
    '<h3>Characters per document, per source</h3>' +
    note('Before filtering = as the filters first see a document (after HTML extraction); kept = what the shards hold. Both are shares of the source’s documents before filtering, so the blue bars show what each length kept. Each chart has its own vertical scale; the horizontal scale is shared.') +
    `<div class="grid2">${charCharts.join('\n')}</div>`;
  const tokens = tokenCharts.length
    ? '<h3>Tokens per document (kept documents), per source</h3>' +
      note('Tokens include the EOS token. Only kept documents are tokenized, so there is no “before”.') +
      `<div class="grid2">${tokenCharts.join('\n')}</div>`
    : '';
  const t = table({
    id: 'sources',
    columns: [
      { label: 'source', key: 'source' },
      { label: 'documents before', numeric: true },
      { label: 'kept', numeric: true },
      { label: 'kept %', numeric: true },
      { label: 'median characters before', numeric: true, title: 'lower edge of the histogram bin (bins are ≤ 25 % wide)' },
      { label: 'median characters kept', numeric: true },
      { label: 'tokens', numeric: true, key: 'tokens' },
      { label: 'tokens / document', numeric: true },
      { label: 'median tokens', numeric: true },
    ],
    rows: sources.map((s) => [
      s.group,
      s.docsBefore,
      s.docsAfter,
      { text: pct(s.docsBefore ? s.docsAfter / s.docsBefore : NaN), sort: s.docsBefore ? s.docsAfter / s.docsBefore : 0 },
      s.before ? `≈ ${int(histogramQuantile(s.before, 0.5))}` : '–',
      s.after ? `≈ ${int(histogramQuantile(s.after, 0.5))}` : '–',
      s.tokenSum,
      { text: s.docsAfter ? num(s.tokenSum / s.docsAfter, 1) : '–', sort: s.docsAfter ? s.tokenSum / s.docsAfter : 0 },
      s.tokens ? `≈ ${int(histogramQuantile(s.tokens, 0.5))}` : '–',
    ]),
  });
  return { id: 'lengths', title: 'Document lengths', html: `${t}${chars}${tokens}` };
}

export function tokensSection(files: PrepareFiles): Section | undefined {
  const sources = sourceLengths(files.stats).filter((s) => s.tokenSum > 0);
  const shards = files.manifest?.shards ?? [];
  if (sources.length === 0 && shards.length === 0) return undefined;
  const perSource = sources.length
    ? barChart({
        id: 'tokens-per-source',
        title: 'Tokens per source',
        bars: sources.map((s) => ({ label: s.group, value: s.tokenSum, tip: `${s.group}: ${int(s.tokenSum)} tokens in ${int(s.docsAfter)} documents` })),
        xLabel: 'tokens →',
      })
    : '';
  const perShard = shards.length ? shardsBlock(shards) : '';
  return { id: 'tokens', title: 'Tokens', html: `${perSource}${perShard}` };
}

/** Rows of the shards table at most: a page of 100,000 rows would not open; manifest.json has them all. */
const MAX_SHARD_ROWS = 2000;

/** Tokens per shard: a chart of the first 60 and a sortable table (any run with a manifest). */
export function shardsBlock(shards: ShardInfo[]): string {
  const shown = shards.slice(0, 60);
  const listed = shards.slice(0, MAX_SHARD_ROWS);
  return (
    barChart({
      id: 'tokens-per-shard',
      title: 'Tokens per shard',
      note: shards.length > shown.length ? `The first ${shown.length} of ${shards.length} shards; the table has them all.` : undefined,
      bars: shown.map((s) => ({ label: path.basename(s.path), value: s.tokens, tip: `${s.path}: ${int(s.tokens)} tokens, ${int(s.documents)} documents` })),
      xLabel: 'tokens →',
      keepOrder: true,
    }) +
    table({
      id: 'shards',
      columns: [
        { label: 'shard', key: 'path' },
        { label: 'documents', numeric: true, key: 'documents' },
        { label: 'tokens', numeric: true, key: 'tokens' },
        { label: 'bytes', numeric: true },
        { label: 'sha256' },
      ],
      rows: listed.map((s) => [s.path, s.documents, s.tokens, s.bytes, { html: `<code>${escapeHtml(s.sha256.slice(0, 16))}…</code>` }]),
    }) +
    (shards.length > listed.length ? note(`The first ${int(listed.length)} of ${int(shards.length)} shards; manifest.json lists them all.`) : '')
  );
}

interface LanguageRow {
  language: string;
  documents: number;
  kept: number;
  mean: number;
  min: number;
  max: number;
}

/** Per language-ID stage: documents, kept and score range per language, from its counters and running means. */
export function languagesSection(stats: Stats, thresholds: Record<string, number>): Section | undefined {
  const parts: string[] = [];
  for (const [stage, s] of Object.entries(stats.stages)) {
    const rows: LanguageRow[] = Object.entries(s.counters)
      .filter(([k]) => k.startsWith('language:'))
      .map(([k, n]) => {
        const language = k.slice('language:'.length);
        const m = s.means[`language_score:${language}`];
        return { language, documents: n, kept: s.counters[`language_kept:${language}`] ?? 0, mean: m?.mean ?? NaN, min: m?.min ?? NaN, max: m?.max ?? NaN };
      })
      .sort((a, b) => b.documents - a.documents || (a.language < b.language ? -1 : 1));
    if (rows.length === 0) continue;
    const top = rows.slice(0, 25);
    const hasScores = rows.some((r) => Number.isFinite(r.mean));
    parts.push(`<h3>${escapeHtml(stage)}</h3>`);
    parts.push(
      barChart({
        id: `languages-${stage}`,
        title: 'Documents per detected language',
        note:
          'Log scale: a language of a few documents shows next to one of thousands. Blue: at least one of its documents was kept.' +
          (rows.length > top.length ? ` The ${top.length} most frequent of ${rows.length} languages; the table has them all.` : ''),
        bars: top.map((r) => ({
          label: r.language,
          value: r.documents,
          group: r.kept > 0 ? 'kept (some or all)' : 'dropped',
          tip: `${r.language}: ${int(r.documents)} documents, ${int(r.kept)} kept`,
        })),
        xLabel: 'documents (log scale) →',
        keepOrder: true,
        xLog: true,
        colors: { 'kept (some or all)': '#4e79a7', dropped: '#e15759' },
        groupLabel: 'verdict',
      }),
    );
    if (hasScores) {
      parts.push(
        rangeChart({
          id: `language-scores-${stage}`,
          title: 'Language score per detected language',
          note: `Dot: mean score; line: lowest to highest.${thresholds[stage] !== undefined ? ` The dashed line is the stage’s threshold (${thresholds[stage]}).` : ''}`,
          rows: top.filter((r) => Number.isFinite(r.mean)).map((r) => ({ label: r.language, mean: r.mean, min: r.min, max: r.max })),
          xLabel: 'score →',
          threshold: thresholds[stage],
          domain: [0, 1],
        }),
      );
    } else {
      parts.push(note('This run’s stats have no per-language scores (written before biglm recorded them).'));
    }
    parts.push(
      table({
        id: `languages-${stage}`,
        columns: [
          { label: 'language', key: 'language' },
          { label: 'documents', numeric: true },
          { label: 'kept', numeric: true },
          { label: 'kept %', numeric: true },
          { label: 'mean score', numeric: true },
          { label: 'lowest', numeric: true },
          { label: 'highest', numeric: true },
        ],
        rows: rows.map((r) => [r.language, r.documents, r.kept, { text: pct(r.kept / r.documents), sort: r.kept / r.documents }, score(r.mean), score(r.min), score(r.max)]),
      }),
    );
  }
  return parts.length ? { id: 'languages', title: 'Languages', html: parts.join('\n') } : undefined;
}

const score = (x: number) => ({ text: Number.isFinite(x) ? x.toFixed(3) : '–', sort: Number.isFinite(x) ? x : -1 });

/** Cluster-size buckets of dedup/report.ts (2, 3-4, 5-8, …) in size order. */
const bucketLow = (k: string) => Number(k.split('-')[0]);

export async function dedupSection(runDir: string): Promise<Section | undefined> {
  const reports = readDedupReport(runDir);
  if (Object.keys(reports).length === 0) return undefined;
  const parts: string[] = [];
  for (const [stage, r] of Object.entries(reports)) {
    parts.push(`<h3>${escapeHtml(stage)}</h3>`);
    parts.push(
      `<p>${int(r.removed)} of ${int(r.documents)} documents removed (${pct(r.documents ? r.removed / r.documents : NaN)})` +
        `${r.removedByIndex ? `, ${int(r.removedByIndex)} of them matching the index ${escapeHtml(r.index.join(', '))}` : ''}; ` +
        `${int(r.clusters)} clusters of duplicates, the largest of ${int(r.largestCluster)} documents` +
        `${r.tooShort ? `; ${int(r.tooShort)} documents too short to compare` : ''}.</p>`,
    );
    const sizes = Object.entries(r.clusterSizes).sort((a, b) => bucketLow(a[0]) - bucketLow(b[0]));
    if (sizes.length) {
      parts.push(
        barChart({
          id: `cluster-sizes-${stage}`,
          title: 'Clusters by size',
          note: 'A cluster of n documents keeps one (its first by input order) and removes n − 1.',
          bars: sizes.map(([k, n]) => ({ label: `${k} documents`, value: n, tip: `${int(n)} clusters of ${k} documents` })),
          xLabel: 'clusters →',
          keepOrder: true,
        }),
      );
    }
    const dump = path.join(runDir, 'dedup', stage, 'clusters.jsonl');
    const { clusters, total } = await largestClusters(dump, 10);
    if (clusters.length === 0) {
      parts.push(note(total === 0 && r.clusters > 0 ? `Set "dumpClusters": true on ${stage} to see the members of each cluster.` : 'No clusters to show.'));
      continue;
    }
    parts.push(`<p>The ${clusters.length} largest of ${int(total)} clusters (first lines of their members):</p>`);
    for (const c of clusters) {
      const keptMember = c.members.find((m) => m.kept);
      const lines = c.members
        .map((m) => `<li>${m.kept ? '<strong>kept</strong>' : 'removed'} <code>${escapeHtml(m.id ?? '?')}</code>: ${escapeHtml((m.firstLine ?? '').slice(0, 160))}</li>`)
        .join('');
      const more = c.size > c.members.length ? `<li class="note">… ${int(c.size - c.members.length)} more</li>` : '';
      const head = `${int(c.size)} documents${c.matchesIndex ? ' (matches the index)' : ''}: ${escapeHtml((keptMember?.firstLine ?? c.members[0]?.firstLine ?? '').slice(0, 90))}`;
      parts.push(details(head, `<ul>${lines}${more}</ul>`));
    }
  }
  return { id: 'dedup', title: 'Deduplication', html: parts.join('\n') };
}
