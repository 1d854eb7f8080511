// Files a run leaves are checked before anyone trusts them: a task checks the intermediate files it reads
// (segment documents, the trained vocabulary, stats) against the marker of the task that wrote them, and a
// resumed run checks the final outputs of the tasks it skips (shards, text, manifest). Whatever is damaged is
// rebuilt by rerunning the task that wrote it, with a warning naming the file, and the run ends byte-identical
// to an undamaged one.

import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { runLocal } from '../../pipeline/executor/local.js';
import { memoryLogger } from '../../lib/log.js';
import { runPaths } from '../../pipeline/runner/layout.js';
import { readMarker, type Marker } from '../../pipeline/runner/marker.js';
import { fixtureConfig, fixtureCorpus, fixtureRegistries } from './contract-fixtures.js';

const reg = fixtureRegistries();

const corpus = fixtureCorpus;
const config = { ...fixtureConfig, output: { textOutput: 'jsonl' } };

type Config = Record<string, unknown>;

async function runInto(runDir: string, input: string, cfgRaw: Config = config) {
  const cfg = await resolveConfig(cfgRaw, input, reg);
  const log = memoryLogger();
  const run = await openRunDir(runDir, cfg, reg, false);
  const summary = await runLocal(run, { workers: 1, log, progress: false, registries: reg });
  return { log, summary };
}

/** A finished run, and a copy of it to damage (a fresh path, so no thread has its vocabulary cached). */
async function finishedRun(cfgRaw: Config = config) {
  const input = corpus();
  const clean = mkdtempSync(path.join(os.tmpdir(), 'biglm-verify-clean-'));
  await runInto(clean, input, cfgRaw);
  const damaged = path.join(mkdtempSync(path.join(os.tmpdir(), 'biglm-verify-damaged-')), 'run');
  cpSync(clean, damaged, { recursive: true });
  return { input, clean, damaged, rerun: () => runInto(damaged, input, cfgRaw) };
}

const read = (dir: string, rel: string) => readFileSync(path.join(dir, rel));

/** Every shard and text file and the manifest are byte-identical between two runs. */
function expectSameOutputs(a: string, b: string): void {
  for (const sub of ['shards', 'text']) {
    expect(readdirSync(path.join(b, sub))).toEqual(readdirSync(path.join(a, sub)));
    for (const f of readdirSync(path.join(a, sub))) expect(read(b, `${sub}/${f}`).equals(read(a, `${sub}/${f}`)), `${sub}/${f}`).toBe(true);
  }
  expect(read(b, 'manifest.json').toString()).toBe(read(a, 'manifest.json').toString());
}

function flipByte(file: string, at: number): void {
  const bytes = readFileSync(file);
  bytes[at] = bytes[at] === 0x61 ? 0x62 : 0x61;
  writeFileSync(file, bytes);
}

function forget(runDir: string, ...steps: string[]): void {
  for (const step of steps) rmSync(path.join(runDir, 'markers', step), { recursive: true, force: true });
}

describe('completion markers', () => {
  it('record the length and sha256 of every file a task wrote, its stats file included', async () => {
    const { clean } = await finishedRun();
    const state = await readMarker(clean, 'seg0', 1);
    expect(state.kind).toBe('done');
    const outputs = (state as { marker: Marker }).marker.outputs!;
    expect(outputs.map((o) => o.path)).toEqual(['segments/0/00001.jsonl', 'stats/seg0/00001.json']);
    for (const o of outputs) expect(o.bytes).toBe(statSync(path.join(clean, o.path)).size);
    const last = (await readMarker(clean, 'seg1', 0)) as { marker: Marker };
    expect(last.marker.outputs!.map((o) => o.path)).toEqual(['shards/part-00000-0000.arrow', 'text/part-00000.jsonl', 'stats/seg1/00000.json']);
  });
});

describe('intermediate files, checked by the task that reads them', () => {
  it('a truncated segment file: the task that wrote it reruns first, naming the file and both lengths', async () => {
    const { clean, damaged, rerun } = await finishedRun();
    const file = runPaths.segment(damaged, 0, 1);
    const size = statSync(file).size;
    truncateSync(file, 20);
    forget(damaged, 'seg1', 'finalize');
    const { log } = await rerun();
    expect(log.lines).toContain(
      `warning: ${file}: has 20 bytes, expected ${size} (truncated or rewritten); rerunning seg0/1 (it wrote the file), then seg1/1`,
    );
    expect(statSync(file).size).toBe(size);
    expectSameOutputs(clean, damaged);
  });

  it('a segment file with one byte changed (same length): caught by its sha256 before anything is committed', async () => {
    const { clean, damaged, rerun } = await finishedRun();
    const file = runPaths.segment(damaged, 0, 0);
    flipByte(file, readFileSync(file, 'utf8').indexOf('quick') + 1);
    forget(damaged, 'seg1', 'finalize');
    const { log } = await rerun();
    expect(log.lines.some((l) => l.startsWith(`warning: ${file}: sha256 is `) && l.includes('rerunning seg0/0'))).toBe(true);
    expectSameOutputs(clean, damaged);
  });

  it('a segment file of a run whose markers record no files: a line that is not JSON still names the task to rerun', async () => {
    const { clean, damaged, rerun } = await finishedRun();
    const marker = runPaths.marker(damaged, 'seg0', 2);
    const old = JSON.parse(readFileSync(marker, 'utf8')) as Marker;
    writeFileSync(marker, JSON.stringify({ step: old.step, rank: old.rank, finishedAt: old.finishedAt }));
    const file = runPaths.segment(damaged, 0, 2);
    truncateSync(file, statSync(file).size - 10);
    forget(damaged, 'seg1', 'finalize');
    const { log } = await rerun();
    expect(log.lines.some((l) => l.startsWith(`warning: ${file}: line 2 is not JSON`) && l.includes('rerunning seg0/2'))).toBe(true);
    expectSameOutputs(clean, damaged);
  });

  it('a damaged stats file: finalize reruns the task that wrote it', async () => {
    const { clean, damaged, rerun } = await finishedRun();
    const file = runPaths.taskStats(damaged, 'seg0', 1);
    writeFileSync(file, '{"step": "seg0", "ra');
    forget(damaged, 'finalize');
    const { log } = await rerun();
    expect(log.lines.some((l) => l.startsWith(`warning: ${file}: has 20 bytes, expected `) && l.includes('rerunning seg0/1'))).toBe(true);
    expectSameOutputs(clean, damaged);
  });

  it('a damaged trained vocabulary: the training step reruns before the shards are tokenized with it', async () => {
    const trained = { ...config, tokenizer: { name: 'tiny', train: { vocabSize: 300 } } };
    const { clean, damaged, rerun } = await finishedRun(trained);
    const file = path.join(damaged, 'tokenizer', 'tokenizer.tiktoken');
    truncateSync(file, 100);
    forget(damaged, 'seg2', 'finalize');
    const { log } = await rerun();
    expect(log.lines.some((l) => l.startsWith(`warning: ${file}: has 100 bytes`) && l.includes('rerunning tokenizer.train/0'))).toBe(true);
    expect(read(damaged, 'tokenizer/tokenizer.tiktoken').equals(read(clean, 'tokenizer/tokenizer.tiktoken'))).toBe(true);
    expectSameOutputs(clean, damaged);
  });

  it('a damaged segment file the vocabulary is trained on: its task reruns before training', async () => {
    const trained = { ...config, tokenizer: { name: 'tiny', train: { vocabSize: 300 } } };
    const { clean, damaged, rerun } = await finishedRun(trained);
    const file = runPaths.segment(damaged, 1, 0);
    flipByte(file, readFileSync(file, 'utf8').indexOf('quick') + 1);
    forget(damaged, 'tokenizer.train', 'seg2', 'finalize');
    const { log } = await rerun();
    expect(log.lines.some((l) => l.startsWith(`warning: ${file}: sha256 is `) && l.includes('rerunning seg1/0'))).toBe(true);
    expectSameOutputs(clean, damaged);
  });
});

describe('a resumed run checks the final outputs of the tasks it skips', () => {
  it('a deleted shard, a shard with a byte changed and a truncated text file: each task rebuilt, the manifest rewritten', async () => {
    const { clean, damaged, rerun } = await finishedRun();
    rmSync(path.join(damaged, 'shards', 'part-00000-0000.arrow'));
    flipByte(path.join(damaged, 'shards', 'part-00001-0000.arrow'), 100);
    truncateSync(path.join(damaged, 'text', 'part-00002.jsonl'), 5);
    const { log, summary } = await rerun();
    const warnings = log.lines.filter((l) => l.startsWith('warning'));
    expect(warnings[0]).toMatch(/^warning: shards\/part-00000-0000\.arrow is missing \(expected \d+ bytes, sha256 [0-9a-f]{12}…\); rerunning seg1\/0$/);
    expect(warnings[1]).toMatch(/^warning: shards\/part-00001-0000\.arrow sha256 is [0-9a-f]{12}…, expected [0-9a-f]{12}… \(same length, other bytes\); rerunning seg1\/1$/);
    expect(warnings[2]).toMatch(/^warning: text\/part-00002\.jsonl has 5 bytes, expected \d+ \(truncated or rewritten\); rerunning seg1\/2$/);
    expect(summary.tasksRun).toBe(4); // three seg1 ranks and finalize
    expectSameOutputs(clean, damaged);

    const again = await rerun();
    expect(again.summary.tasksRun).toBe(0);
    expect(again.log.lines.some((l) => /^checked 13 finished output file\(s\), .* all intact$/.test(l))).toBe(true);
  });

  it('a deleted manifest: finalize alone runs again', async () => {
    const { clean, damaged, rerun } = await finishedRun();
    rmSync(runPaths.manifest(damaged));
    const { log, summary } = await rerun();
    expect(log.lines.some((l) => l.startsWith('warning: manifest.json is missing') && l.endsWith('rerunning finalize/0'))).toBe(true);
    expect(summary.tasksRun).toBe(1);
    expectSameOutputs(clean, damaged);
  });

  it('a marker that is not a marker counts as none: its task runs again', async () => {
    const { clean, damaged, rerun } = await finishedRun();
    writeFileSync(runPaths.marker(damaged, 'seg0', 1), 'garbage');
    const { log } = await rerun();
    expect(log.lines.some((l) => l.startsWith('warning: markers/seg0/00001.done is not a completion marker: it is not JSON'))).toBe(true);
    expectSameOutputs(clean, damaged);
  });

  it('a shard of a run whose markers record no files is checked against the manifest', async () => {
    const { clean, damaged, rerun } = await finishedRun();
    for (let rank = 0; rank < 3; rank++) {
      const marker = runPaths.marker(damaged, 'seg1', rank);
      const old = JSON.parse(readFileSync(marker, 'utf8')) as Marker;
      writeFileSync(marker, JSON.stringify({ step: old.step, rank: old.rank, finishedAt: old.finishedAt }));
    }
    flipByte(path.join(damaged, 'shards', 'part-00002-0000.arrow'), 120);
    const { log } = await rerun();
    expect(log.lines.some((l) => l.startsWith('warning: shards/part-00002-0000.arrow sha256 is') && l.endsWith('rerunning seg1/2'))).toBe(true);
    expectSameOutputs(clean, damaged);
  });
});
