// `make bench` — prepare throughput: MB/s, docs/s, tokens/s and peak RSS of `biglm prepare` on a ≥ 50 MB
// corpus built from the sample, next to raw tiktoken `encode_ordinary` on the same text in the same run,
// with 1 and 2 workers in alternating rounds. Not a test: it prints figures.

import { promises as fs, createReadStream } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { createInterface } from 'node:readline';
import * as path from 'node:path';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { get_encoding, type TiktokenEncoding } from 'tiktoken';
import { buildSample } from '../pipeline/sample/index.js';
import { getEncoding } from '../tokenizer/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const benchDir = path.join(root, '.bench', 'prepare');
const TOKENIZER = process.env.BENCH_TOKENIZER ?? 'cl100k_base';
const TARGET_BYTES = 50e6;
// A run has one task per input file, and the last task to finish sets the wall time: with 8 files of ~1 s each,
// 2 workers lose up to half a task waiting on the last one. Real dumps come in hundreds of files.
const PARTS = Number(process.env.BENCH_FILES ?? 32);

async function makeCorpus(): Promise<{ files: string[]; bytes: number }> {
  const sampleDir = path.join(root, '.bench', 'sample');
  try {
    await fs.access(path.join(sampleDir, 'SAMPLE.json'));
  } catch {
    await buildSample(sampleDir);
  }
  const corpusDir = path.join(benchDir, `corpus-${PARTS}`);
  await fs.mkdir(corpusDir, { recursive: true });
  const sources = ['mail/ham.jsonl', 'mail/spam.jsonl', 'brown/news.jsonl', 'brown/fiction.jsonl', 'brown/nonfiction.jsonl'];
  const files: string[] = [];
  let bytes = 0;
  // Copies of the real sample until the corpus holds ≥ 50 MB, cut into PARTS files of about the same size.
  const sample = Buffer.concat(await Promise.all(sources.map((s) => fs.readFile(path.join(sampleDir, s)))));
  const copies = Math.ceil(TARGET_BYTES / sample.length);
  const lines = Array.from({ length: copies }, () => sample.toString('utf8').split('\n').filter(Boolean)).flat();
  for (let p = 0; p < PARTS; p++) {
    const target = path.join(corpusDir, `part-${p}.jsonl`);
    const body = lines.filter((_l, i) => i % PARTS === p).join('\n') + '\n';
    await fs.writeFile(target, body);
    files.push(target);
    bytes += Buffer.byteLength(body);
  }
  return { files, bytes };
}

async function readTexts(files: string[]): Promise<string[]> {
  const texts: string[] = [];
  for (const f of files) {
    for await (const line of createInterface({ input: createReadStream(f) })) if (line) texts.push((JSON.parse(line) as { text: string }).text);
  }
  return texts;
}

function timeIt<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

function runPrepare(
  files: string[],
  workers: number,
): { ms: number; cpuMs: number; maxRssMB: number; manifest: { totals: { read: number; kept: number; tokens: number } } } {
  const out = path.join(benchDir, `run-w${workers}`);
  const cli = path.join(root, 'dist', 'cli', 'biglm.js');
  const args = ['prepare', '--input', ...files.flatMap((f, i) => (i === 0 ? [f] : ['--input', f])), '--out', out, '--force', '--workers', String(workers), '--tokenizer', TOKENIZER, '--no-progress'];
  // The child reports its own peak RSS (worker threads included) when it exits.
  const wrapper = `process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('\\nMAXRSS '+u.maxRSS+' CPU '+(u.userCPUTime+u.systemCPUTime)+'\\n')});process.argv=[process.argv[0],${JSON.stringify(cli)},...${JSON.stringify(args)}];await import(${JSON.stringify(cli)});`;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', wrapper], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`prepare failed (${r.status}):\n${r.stderr}`);
  const rss = Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
  const cpuMs = Number(/ CPU (\d+)/.exec(r.stderr)?.[1] ?? 0) / 1000;
  return { ms, cpuMs, maxRssMB: rss, manifest: JSON.parse(spawnSync('cat', [path.join(out, 'manifest.json')], { encoding: 'utf8' }).stdout) };
}

/**
 * The machine's own two-thread ceiling: raw tiktoken over the same texts in 1 vs 2 worker threads (no
 * reading, no writing), so the pipeline's 2-worker figure can be read against what the cores give.
 */
async function threadCeiling(files: string[]): Promise<number> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { readFileSync } = require('node:fs');
    const { get_encoding } = require(${JSON.stringify(path.join(root, 'node_modules', 'tiktoken'))});
    const enc = get_encoding(workerData.name);
    let n = 0;
    for (const f of workerData.files) for (const line of readFileSync(f, 'utf8').split('\\n')) if (line) n += enc.encode_ordinary(JSON.parse(line).text).length;
    parentPort.postMessage(n);`;
  const run = async (groups: string[][]) => {
    const t0 = performance.now();
    await Promise.all(
      groups.map(
        (g) =>
          new Promise((resolve, reject) => {
            const w = new Worker(code, { eval: true, workerData: { files: g, name: TOKENIZER } });
            w.once('message', resolve);
            w.once('error', reject);
          }),
      ),
    );
    return performance.now() - t0;
  };
  const one = await run([files]);
  const two = await run([files.filter((_f, i) => i % 2 === 0), files.filter((_f, i) => i % 2 === 1)]);
  return one / two;
}

async function main() {
  const { files, bytes } = await makeCorpus();
  const texts = await readTexts(files);
  const textBytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  console.log(`corpus: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB of JSONL, ${texts.length} documents, ${(textBytes / 1e6).toFixed(1)} MB of text; tokenizer ${TOKENIZER}`);

  // BENCH_RAW=0 skips the single-core tokenizer comparison and the thread ceiling (for scaling runs on other
  // machines); BENCH_WORKERS lists the worker counts to run (default 1,2); BENCH_ROUNDS how often each runs.
  const withRaw = process.env.BENCH_RAW !== '0';
  const workerCounts = (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  if (withRaw) compareTokenizers(texts, textBytes);

  // A shared VM's speed drifts by tens of percent within minutes, so one run of each worker count says
  // little about scaling: the counts alternate, round after round, and the medians are compared. Each round
  // also measures the machine's own two-thread ceiling at that moment (raw tiktoken, no pipeline).
  console.log(`\nbiglm prepare (read JSONL → tokenize → Arrow shards), whole process, ${rounds} alternating round(s)`);
  const runs = new Map<number, ReturnType<typeof runPrepare>[]>(workerCounts.map((w) => [w, []]));
  const ceilings: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const line: string[] = [];
    for (const w of workerCounts) {
      const r = runPrepare(files, w);
      runs.get(w)!.push(r);
      line.push(`${w} worker${w > 1 ? 's' : ''} ${(r.ms / 1000).toFixed(1)} s`);
    }
    if (withRaw) {
      const ceiling = await threadCeiling(files.slice(0, Math.max(2, files.length >> 2)));
      ceilings.push(ceiling);
      line.push(`raw tiktoken 2 threads vs 1: ${ceiling.toFixed(2)}×`);
    }
    console.log(`  round ${round + 1}: ${line.join(', ')}`);
  }
  const base = median(runs.get(workerCounts[0])!.map((r) => r.ms));
  for (const w of workerCounts) {
    const rs = runs.get(w)!;
    const ms = median(rs.map((r) => r.ms));
    const s = ms / 1000;
    const m = rs[0].manifest;
    console.log(
      `  workers ${w}   ${(bytes / 1e6 / s).toFixed(1).padStart(6)} MB/s  ${Math.round(m.totals.read / s).toLocaleString('en-US').padStart(7)} docs/s  ` +
        `${Math.round(m.totals.tokens / s).toLocaleString('en-US').padStart(10)} tokens/s  peak RSS ${median(rs.map((r) => r.maxRssMB)).toFixed(0)} MB  (median ${s.toFixed(1)} s, CPU ${(median(rs.map((r) => r.cpuMs)) / 1000).toFixed(1)} s)` +
        (w !== workerCounts[0] ? `  ${(base / ms).toFixed(2)}× ${workerCounts[0]} worker${workerCounts[0] > 1 ? 's' : ''}` : ''),
    );
  }
  if (withRaw) console.log(`  raw tiktoken in 2 threads vs 1 on this machine, same rounds: median ${median(ceilings).toFixed(2)}× (${ceilings.map((c) => c.toFixed(2)).join(', ')})`);
  // One worker is more than one busy thread: V8 compiles and collects garbage on helper threads, which use
  // idle cores. With as many workers as cores that help is gone, so n workers on n cores can be at most
  // n / (cores one worker kept busy) times faster, even when they do exactly the work one worker does.
  const cores = os.availableParallelism();
  const one = runs.get(1);
  if (one && workerCounts.includes(cores)) {
    const busy = median(one.map((r) => r.cpuMs / r.ms));
    console.log(
      `  1 worker kept ${busy.toFixed(2)} cores busy (CPU time / wall time, median); on these ${cores} cores, ${cores} workers ` +
        `doing the same work can be at most ${(cores / busy).toFixed(2)}× as fast`,
    );
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function compareTokenizers(texts: string[], textBytes: number): void {
  const raw = get_encoding(TOKENIZER as TiktokenEncoding);
  const rawRun = timeIt(() => texts.map((t) => raw.encode_ordinary(t)));
  const ours = getEncoding(TOKENIZER);
  const ourRun = timeIt(() => texts.map((t) => ours.encode(t)));
  let same = true;
  let tokens = 0;
  for (let i = 0; i < texts.length; i++) {
    const a = rawRun.value[i];
    const b = ourRun.value[i];
    tokens += a.length;
    if (a.length !== b.length || a.some((x, k) => x !== b[k])) same = false;
  }
  raw.free();
  const mbps = (ms: number) => (textBytes / 1e6 / (ms / 1000)).toFixed(1);
  console.log('\ntokenize, one core (same text, same run)');
  console.log(`  raw tiktoken encode_ordinary   ${mbps(rawRun.ms).padStart(7)} MB/s  ${Math.round(tokens / (rawRun.ms / 1000)).toLocaleString('en-US').padStart(11)} tokens/s`);
  console.log(`  biglm tokenize path            ${mbps(ourRun.ms).padStart(7)} MB/s  ${Math.round(tokens / (ourRun.ms / 1000)).toLocaleString('en-US').padStart(11)} tokens/s  ${(rawRun.ms / ourRun.ms).toFixed(2)}× raw, ids ${same ? 'identical' : 'DIFFER'}`);
}

await main();
