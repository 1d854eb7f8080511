// Doc-by-doc agreement of biglm's heuristic filters with datatrove's own decisions, saved by
// scripts/datatrove-filter-decisions.py in test/filters/datatrove-decisions.jsonl (ids and verdicts, no
// text). Each filter alone and the FineWeb chain (Gopher repetition → Gopher quality → C4 without the
// terminal-punctuation rule → FineWeb quality), on the documents of bench/agreement-docs.ts.
//
//   npx tsc -p . && node dist/bench/filters-agreement.js [--data ../shared/data] [--show 5]
//   node dist/bench/filters-agreement.js --write-texts FILE     (the input of the Python script)
//
// A saved decision counts only for a document whose text still hashes the same (a changed reader or
// extractor changes the text); the others are reported as stale, not compared.

import { readFileSync, writeFileSync, renameSync, mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { tmpdir } from 'node:os';
import type { Doc } from '../pipeline/core/doc.js';
import type { StageContext } from '../pipeline/core/stage.js';
import { StatsRecorder } from '../pipeline/core/stats.js';
import { memoryLogger } from '../lib/log.js';
import { definitions } from '../pipeline/filters/index.js';
import { cacheTextStats, computeTextStats, type TextStats } from '../pipeline/filters/text-stats.js';
import { agreementDocuments, textHash, type AgreementDoc } from './agreement-docs.js';
import { benchArg, benchDataDir, benchRepoRoot } from './wet-docs.js';

/** The verdicts compared: each filter alone, and the chain. */
export const FILTERS: [name: string, type: string, options: Record<string, unknown>][] = [
  ['gopher_repetition', 'gopher_repetition', {}],
  ['gopher_quality', 'gopher_quality', {}],
  ['c4_quality', 'c4_quality', { filterNoTerminalPunct: false }],
  ['c4_quality_terminal', 'c4_quality', {}],
  ['fineweb_quality', 'fineweb_quality', {}],
];
const CHAIN = ['gopher_repetition', 'gopher_quality', 'c4_quality', 'fineweb_quality'];

/** One document's verdicts: "kept" or the drop reason, per filter alone; chain "kept <hash of the final text>" or "<filter>:<reason>". */
export type Decision = Record<string, string> & { id: string; h: string };

/** datatrove's reason → ours, per filter type (reasons not listed are spelled the same). */
const REASONS: Record<string, Record<string, string>> = {
  gopher_quality: {
    gopher_short_doc: 'too_few_words',
    gopher_long_doc: 'too_many_words',
    gopher_below_avg_threshold: 'mean_word_length',
    gopher_above_avg_threshold: 'mean_word_length',
    gopher_too_many_hashes: 'hash_ratio',
    gopher_too_many_ellipsis: 'ellipsis_ratio',
    gopher_too_many_bullets: 'bullet_lines',
    gopher_too_many_end_ellipsis: 'ellipsis_lines',
    gopher_below_alpha_threshold: 'alpha_words',
    gopher_enough_stop_words: 'stop_words',
  },
};
const typeOf = (name: string) => FILTERS.find((f) => f[0] === name)![1];

/** A datatrove verdict of filter `name` (chain: "<filter>:<reason>") in our words. */
function inOurWords(name: string, verdict: string): string {
  if (verdict.startsWith('kept')) return verdict;
  if (name === 'chain') {
    const at = verdict.indexOf(':');
    return `${verdict.slice(0, at)}:${inOurWords(verdict.slice(0, at), verdict.slice(at + 1))}`;
  }
  const type = typeOf(name);
  const m = /^duplicated_(\d+)_n_grams$/.exec(verdict);
  if (type === 'gopher_repetition' && m) return `dup_${m[1]}_gram`;
  return REASONS[type]?.[verdict] ?? verdict;
}

/**
 * Runs stages in order over docs, recording for every document the first `<name>:<reason>` it is dropped
 * for. `stats[i]` are the words of docs[i], computed once for all runs (the filters take them from the
 * cache as they would from an earlier filter).
 */
async function run(docs: AgreementDoc[], stats: TextStats[], stages: [string, string, Record<string, unknown>][]): Promise<Map<string, string>> {
  const byType = new Map(definitions.map((d) => [d.type, d]));
  const runDir = mkdtempSync(path.join(tmpdir(), 'biglm-agreement-'));
  const verdicts = new Map<string, string>();
  let current = '';
  try {
    async function* source(): AsyncGenerator<Doc> {
      for (const [i, d] of docs.entries()) {
        current = d.id;
        const doc: Doc = { id: d.id, text: d.text, source: d.set, fileIndex: 0, position: i, meta: {} };
        cacheTextStats(doc, stats[i]);
        yield doc;
      }
    }
    let stream: AsyncIterable<Doc> = source();
    for (const [name, type, options] of stages) {
      const def = byType.get(type)!;
      // A recorder that also notes which document each drop was for (the stages run one document at a time).
      const stats = new (class extends StatsRecorder {
        override drop(stage: string, reason: string, n = 1): void {
          super.drop(stage, reason, n);
          verdicts.set(current, `${name}:${reason.slice(stage.length + 1)}`);
        }
      })();
      const ctx: StageContext = { rank: 0, worldSize: 1, runDir, stageName: type, stats, log: memoryLogger(), signal: new AbortController().signal, seed: 1 };
      stream = def.create(def.schema.parse(options), { runDir, stageName: type, configDir: runDir, seed: 1 })(stream, ctx);
    }
    for await (const d of stream) verdicts.set(d.id, `kept ${textHash(d.text)}`);
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
  return verdicts;
}

/** Our verdicts on every document, in the shape of the saved datatrove decisions (reasons in our words). */
export async function ourDecisions(docs: AgreementDoc[]): Promise<Map<string, Decision>> {
  const out = new Map<string, Decision>();
  for (const d of docs) out.set(d.id, { id: d.id, h: textHash(d.text) } as Decision);
  const stats = docs.map((d) => computeTextStats(d.text, 'english'));
  for (const f of FILTERS) {
    const v = await run(docs, stats, [f]);
    // Alone, a kept document is just "kept" (datatrove's alone verdicts carry no text hash).
    for (const [id, verdict] of v) out.get(id)![f[0]] = verdict.startsWith('kept') ? 'kept' : verdict.slice(f[0].length + 1);
  }
  const chain = await run(docs, stats, CHAIN.map((name) => FILTERS.find((f) => f[0] === name)!));
  for (const [id, verdict] of chain) out.get(id)!.chain = verdict;
  return out;
}

/** The saved decisions: a filter a line does not name kept the document. */
export function readDecisions(file: string): Map<string, Decision> {
  const out = new Map<string, Decision>();
  for (const line of readFileSync(file, 'utf8').split('\n')) if (line) {
    const d = JSON.parse(line) as Decision;
    for (const [name] of FILTERS) d[name] ??= 'kept';
    out.set(d.id, d);
  }
  return out;
}

export interface Agreement {
  name: string;
  compared: number;
  /** Same keep/drop decision. */
  agree: number;
  /** Same decision and, for drops, the same reason (for the chain: the same filter and reason, or the same kept text). */
  same: number;
  onlyWeDrop: number;
  onlyTheyDrop: number;
  disagreements: { id: string; ours: string; theirs: string }[];
}

export interface Comparison {
  rows: Agreement[];
  compared: number;
  /** Saved decisions whose document's text changed since (a reader or extractor changed). */
  stale: number;
  /** Saved decisions whose document is not among ours (its input is absent, e.g. no ../shared). */
  absent: number;
}

const kept = (v: string) => v === 'kept' || v.startsWith('kept ');

export function compare(ours: Map<string, Decision>, theirs: Map<string, Decision>): Comparison {
  const names = [...FILTERS.map((f) => f[0]), 'chain'];
  const rows: Agreement[] = names.map((name) => ({ name, compared: 0, agree: 0, same: 0, onlyWeDrop: 0, onlyTheyDrop: 0, disagreements: [] }));
  let compared = 0;
  let stale = 0;
  let absent = 0;
  for (const [id, t] of theirs) {
    const o = ours.get(id);
    if (!o) {
      absent++;
      continue;
    }
    if (o.h !== t.h) {
      stale++;
      continue;
    }
    compared++;
    for (const row of rows) {
      const a = o[row.name];
      const b = inOurWords(row.name, t[row.name]);
      row.compared++;
      if (kept(a) === kept(b)) row.agree++;
      else {
        if (kept(b)) row.onlyWeDrop++;
        else row.onlyTheyDrop++;
        row.disagreements.push({ id, ours: a, theirs: b });
      }
      if (a === b) row.same++;
    }
  }
  return { rows, compared, stale, absent };
}

const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '–');

export function formatComparison(c: Comparison, show = 0): string {
  const lines = [
    `${c.compared} documents compared` +
      (c.stale ? `, ${c.stale} saved decisions stale (their text changed: rerun scripts/datatrove-filter-decisions.py)` : '') +
      (c.absent ? `, ${c.absent} not compared (their input is absent)` : ''),
    '',
  ];
  lines.push('| filter | agree (keep/drop) | same verdict (reason) | only we drop | only datatrove drops |');
  lines.push('|---|---|---|---|---|');
  for (const r of c.rows) lines.push(`| ${r.name} | ${r.agree} (${pct(r.agree, r.compared)} %) | ${r.same} (${pct(r.same, r.compared)} %) | ${r.onlyWeDrop} | ${r.onlyTheyDrop} |`);
  if (show > 0) {
    for (const r of c.rows) {
      if (r.disagreements.length === 0) continue;
      lines.push('', `${r.name}: first disagreements (ours / datatrove)`);
      for (const d of r.disagreements.slice(0, show)) lines.push(`  ${d.id}: ${d.ours} / ${d.theirs}`);
    }
  }
  return lines.join('\n');
}

/** The saved decisions, relative to the repository root. */
export const DECISIONS_FILE = 'test/filters/datatrove-decisions.jsonl';

async function main(): Promise<void> {
  const dataDir = benchDataDir();
  const { docs, skipped } = await agreementDocuments(dataDir);
  for (const s of skipped) console.log(`skipping ${s}`);
  const sets = new Map<string, number>();
  for (const d of docs) sets.set(d.set, (sets.get(d.set) ?? 0) + 1);
  console.log(`documents: ${[...sets].map(([s, n]) => `${s} ${n}`).join(', ')}`);
  const textsFile = benchArg('write-texts', '');
  if (textsFile) {
    const tmp = `${textsFile}.tmp`;
    writeFileSync(tmp, docs.map((d) => JSON.stringify({ id: d.id, text: d.text })).join('\n') + '\n');
    renameSync(tmp, textsFile);
    console.log(`wrote ${docs.length} texts to ${textsFile}`);
    return;
  }
  const file = path.resolve(benchRepoRoot(), benchArg('decisions', DECISIONS_FILE));
  const theirs = readDecisions(file);
  const ours = await ourDecisions(docs);
  const oursFile = benchArg('write-ours', '');
  if (oursFile) writeFileSync(oursFile, [...ours.values()].map((d) => JSON.stringify(d)).join('\n') + '\n');
  console.log(formatComparison(compare(ours, theirs), Number(benchArg('show', '0'))));
}

if (process.argv[1] && path.resolve(process.argv[1]).replace(/\.ts$/, '.js').endsWith(path.join('bench', 'filters-agreement.js'))) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
