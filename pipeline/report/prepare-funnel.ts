// Sections of a prepare run's report about what happened to the documents: the summary, the funnel
// through the stages (documents and characters), the drops by reason (sortable table + chart) and the
// first examples of every reason, expandable.

import type { Stats, StageStats } from '../core/stats.js';
import { totalDropped } from '../core/stats.js';
import { readDropExamples } from '../filters/drop-examples.js';
import type { ResolvedConfig } from '../config/schema.js';
import type { PrepareFiles } from './run-files.js';
import { barChart } from './charts.js';
import { cards, details, escapeHtml, int, note, num, pct, seconds, table, type Cell, type Section } from './html.js';

export const READ_STAGE = 'read';

/** Stages in pipeline order: the reader, the configured stages, tokenization; any other the stats name before tokenization. */
export function stageOrder(stats: Stats, config: ResolvedConfig | undefined): string[] {
  const present = Object.keys(stats.stages);
  const order = [READ_STAGE, ...(config?.stages.map((s) => s.name) ?? [])].filter((n) => n === READ_STAGE || present.includes(n));
  for (const n of present) if (!order.includes(n) && n !== 'tokenize') order.push(n);
  if (present.includes('tokenize')) order.push('tokenize');
  return order;
}

const droppedIn = (s: StageStats | undefined) => Object.values(s?.dropped ?? {}).reduce((a, b) => a + b, 0);

export interface FunnelRow {
  stage: string;
  in: number;
  out: number;
  dropped: number;
  charsIn?: number;
  charsOut?: number;
  ms?: number;
}

/** Documents and characters in and out of every stage; the reader's row is what it read and what it passed on. */
export function funnelRows(stats: Stats, order: string[]): FunnelRow[] {
  return order.map((name, i) => {
    const s = stats.stages[name];
    if (name === READ_STAGE) {
      const dropped = droppedIn(s);
      const next = stats.stages[order[i + 1]];
      return { stage: name, in: stats.read, out: stats.read - dropped, dropped, charsOut: next?.counters.chars_in };
    }
    return { stage: name, in: s.in, out: s.out, dropped: droppedIn(s), charsIn: s.counters.chars_in, charsOut: s.counters.chars_out, ms: s.ms };
  });
}

export function summarySection(files: PrepareFiles, runDir: string): Section {
  const { manifest, stats, tasks } = files;
  const kept = manifest?.totals.kept ?? stats.stages.tokenize?.out ?? 0;
  const times = tasks.filter((t) => t.startedAt !== undefined && t.finishedAt !== undefined);
  const wallMs = times.length ? Math.max(...times.map((t) => t.finishedAt!)) - Math.min(...times.map((t) => t.startedAt!)) : undefined;
  const inputBytes = manifest?.inputs.reduce((n, f) => n + f.bytes, 0);
  const items = [
    { label: 'documents read', value: int(stats.read) },
    { label: 'documents kept', value: int(kept), note: pct(stats.read ? kept / stats.read : NaN) + ' of read' },
    { label: 'tokens', value: int(manifest?.totals.tokens ?? stats.stages.tokenize?.counters.tokens ?? 0), note: manifest ? `tokenizer ${manifest.tokenizer.name}` : undefined },
    { label: 'shards', value: int(manifest?.totals.shards ?? 0) },
  ];
  if (inputBytes !== undefined) items.push({ label: 'input', value: `${num(inputBytes / 1e6, 1)} MB`, note: `${int(manifest!.inputs.length)} file(s) on disk` });
  if (wallMs !== undefined) items.push({ label: 'wall time', value: seconds(wallMs), note: `${int(times.length)} tasks timed` });
  const unfinished = manifest
    ? ''
    : note(`This run has not finished: ${int(tasks.length)} of ${int(files.plannedTasks)} tasks are done, and the figures below are theirs. Rerun its prepare command (or biglm resume) to complete it.`);
  return {
    id: 'summary',
    title: 'Summary',
    html: `${unfinished}${cards(items)}<p class="note">Run directory <code>${escapeHtml(runDir)}</code>. Characters are UTF-16 code units of the text as each stage sees it (HTML before extraction).</p>`,
  };
}

export function funnelSection(files: PrepareFiles, order: string[]): Section {
  const rows = funnelRows(files.stats, order);
  const read = files.stats.read;
  const cells: Cell[][] = rows.map((r) => [
    r.stage,
    r.in,
    r.out,
    r.dropped,
    { text: pct(read ? r.out / read : NaN), sort: read ? r.out / read : 0 },
    r.charsIn ?? '–',
    r.charsOut ?? '–',
    r.ms !== undefined ? { text: seconds(r.ms), sort: r.ms } : '–',
  ]);
  const t = table({
    id: 'funnel',
    columns: [
      { label: 'stage', key: 'stage' },
      { label: 'documents in', numeric: true, key: 'in' },
      { label: 'out', numeric: true, key: 'out' },
      { label: 'dropped', numeric: true, key: 'dropped' },
      { label: 'left of read', numeric: true },
      { label: 'characters in', numeric: true },
      { label: 'characters out', numeric: true },
      { label: 'time in stage', numeric: true, title: 'summed over tasks; upstream stages excluded' },
    ],
    rows: cells,
  });
  const docsChart = barChart({
    id: 'funnel-documents',
    title: 'Documents passed on by each stage',
    note: 'In pipeline order; the first bar is what the readers passed on.',
    bars: rows.map((r) => ({ label: r.stage, value: r.out, tip: `${r.stage}: ${int(r.out)} documents out of ${int(r.in)} in` })),
    xLabel: 'documents →',
    keepOrder: true,
  });
  const charRows = rows.filter((r) => r.charsOut !== undefined);
  const charsChart = charRows.length
    ? barChart({
        id: 'funnel-characters',
        title: 'Text passed on by each stage',
        bars: charRows.map((r) => ({ label: r.stage, value: r.charsOut! / 1e6, tip: `${r.stage}: ${int(r.charsOut!)} characters out` })),
        xLabel: 'million characters →',
        keepOrder: true,
      })
    : '';
  return { id: 'funnel', title: 'Funnel', html: `${t}${docsChart}${charsChart}` };
}

/** Drops by reason: the manifest's totals when the run finished, else the finished tasks' stats. */
export function dropsByReason(files: PrepareFiles): [string, number][] {
  const dropped = files.manifest?.totals.dropped ?? totalDropped(files.stats);
  return Object.entries(dropped).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

const stageOf = (reason: string) => (reason.includes(':') ? reason.slice(0, reason.indexOf(':')) : reason);

export function dropsSection(files: PrepareFiles): Section {
  const drops = dropsByReason(files);
  const { stats } = files;
  const read = stats.read;
  const kept = files.manifest?.totals.kept ?? stats.stages.tokenize?.out ?? 0;
  const total = drops.reduce((n, [, c]) => n + c, 0);
  const stageIn = (stage: string) => (stage === READ_STAGE ? read : stats.stages[stage]?.in ?? 0);
  const t = table({
    id: 'drops',
    columns: [
      { label: 'reason', key: 'reason' },
      { label: 'stage', key: 'stage' },
      { label: 'documents', numeric: true, key: 'count' },
      { label: 'of read', numeric: true },
      { label: 'of the stage’s input', numeric: true },
    ],
    rows: drops.map(([reason, n]) => {
      const stage = stageOf(reason);
      const inStage = stageIn(stage);
      return [reason, stage, n, { text: pct(read ? n / read : NaN), sort: n }, { text: pct(inStage ? n / inStage : NaN), sort: inStage ? n / inStage : 0 }];
    }),
    footer: [
      ['dropped, all reasons', '', { text: int(total), sort: total }, pct(read ? total / read : NaN), ''],
      ['kept', '', { text: int(kept), sort: kept }, pct(read ? kept / read : NaN), ''],
      ['read', '', { text: int(read), sort: read }, '', ''],
    ],
  });
  const balanced = read === kept + total;
  const check = balanced
    ? note(`Every document is accounted for: ${int(read)} read = ${int(kept)} kept + ${int(total)} dropped.`)
    : `<p class="note"><strong>Accounting mismatch:</strong> ${int(read)} read ≠ ${int(kept)} kept + ${int(total)} dropped${files.manifest ? '; a stage lost documents without a reason' : ' (the run has not finished)'}.</p>`;
  const chart = drops.length
    ? barChart({
        id: 'drops',
        title: 'Documents dropped, by reason',
        note: 'Coloured by the stage that dropped them; click a column of the table to sort it.',
        bars: drops.slice(0, 40).map(([reason, n]) => ({ label: reason, value: n, group: stageOf(reason), tip: `${reason}: ${int(n)} (${pct(read ? n / read : NaN)} of read)` })),
        xLabel: 'documents →',
        groupLabel: 'stage',
      }) + (drops.length > 40 ? note(`The 40 largest of ${drops.length} reasons; the table has them all.`) : '')
    : note('Nothing was dropped.');
  return { id: 'drops', title: 'Drops by reason', html: `${check}${t}${chart}` };
}

export async function examplesSection(files: PrepareFiles, runDir: string, dedupStages: string[]): Promise<Section> {
  const byStage = await readDropExamples(runDir);
  const drops = dropsByReason(files);
  const blocks = drops.map(([reason, n]) => {
    const stage = stageOf(reason);
    const examples = byStage[stage]?.reasons[reason]?.examples ?? [];
    let body: string;
    if (examples.length > 0) {
      body = examples
        .map((ex) => `<div><code>${escapeHtml(ex.id)}</code>${ex.url ? ` <span class="note">${escapeHtml(ex.url)}</span>` : ''}<pre class="doc">${escapeHtml(ex.text)}</pre></div>`)
        .join('');
    } else if (dedupStages.includes(stage)) {
      body = `<p class="note">Duplicates are shown as clusters under <a href="#dedup">Deduplication</a>.</p>`;
    } else if (stage === READ_STAGE) {
      body = `<p class="note">Unreadable input keeps no text; the run's warnings name each file and offset.</p>`;
    } else {
      body = `<p class="note">${escapeHtml(stage)} keeps no examples (the filter stages do; set <code>"writeExcluded": true</code> on a filter to keep every dropped document).</p>`;
    }
    const shown = examples.length ? ` · ${examples.length} example${examples.length > 1 ? 's' : ''}` : '';
    return details(`<code>${escapeHtml(reason)}</code> — ${int(n)} documents${shown}`, body);
  });
  return {
    id: 'examples',
    title: 'Examples of dropped documents',
    html: blocks.length ? `${note('The first documents each reason dropped (up to 3, first 300 characters), as the filters kept them in excluded/<stage>/. Click to expand.')}${blocks.join('\n')}` : note('Nothing was dropped.'),
  };
}
