import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync, rmSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { ConfigError } from '../../lib/config-errors.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { runLocal } from '../../pipeline/executor/local.js';
import { memoryLogger } from '../../lib/log.js';
import { readShardDocs } from '../../formats/token-shards/read.js';
import { getEncoding } from '../../tokenizer/index.js';
import { runPaths } from '../../pipeline/runner/layout.js';
import type { Manifest } from '../../pipeline/runner/run-file-types.js';
import { fixtureConfig, fixtureCorpus, fixtureRegistries } from './contract-fixtures.js';

const reg = fixtureRegistries();

const corpus = fixtureCorpus;
const config = fixtureConfig;

async function prepare(inputDir: string, workers = 1, stopAfterTasks?: number) {
  const cfg = await resolveConfig(config, inputDir, reg);
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'biglm-runner-out-'));
  return prepareInto(runDir, cfg, stopAfterTasks);
}

async function prepareInto(runDir: string, cfg: Awaited<ReturnType<typeof resolveConfig>>, stopAfterTasks?: number) {
  const log = memoryLogger();
  const run = await openRunDir(runDir, cfg, reg, false);
  const summary = await runLocal(run, { workers: 1, log, progress: false, registries: reg, stopAfterTasks });
  return { runDir, log, summary, run };
}

function manifest(runDir: string): Manifest {
  return JSON.parse(readFileSync(runPaths.manifest(runDir), 'utf8')) as Manifest;
}

describe('the local runner', () => {
  it('plans a segment before and after the barrier, its global step, and finalize', async () => {
    const { run } = await prepare(corpus());
    expect(run.plan.steps.map((s) => `${s.name}×${s.worldSize}`)).toEqual(['seg0×3', 'first_of_text.decide×1', 'seg1×3', 'finalize×1']);
    expect(run.plan.rankFiles).toEqual([[0], [1], [2]]);
  });

  it('accounts for every document read: kept + dropped by reason = read', async () => {
    const { runDir, log } = await prepare(corpus());
    const m = manifest(runDir);
    expect(m.totals.read).toBe(11);
    expect(m.totals.dropped).toEqual({ 'first_of_text:duplicate': 3, 'min_length:too_short': 2, 'read:bang': 1 });
    expect(m.totals.kept).toBe(5);
    expect(log.lines.some((l) => l.includes('a.txt:4') && l.startsWith('warning'))).toBe(true);
  });

  it('counts every stage in, out, dropped and time: in = out + dropped for each', async () => {
    const { runDir } = await prepare(corpus());
    const stats = JSON.parse(readFileSync(runPaths.stats(runDir), 'utf8')) as {
      stages: Record<string, { in: number; out: number; dropped: Record<string, number>; ms: number }>;
    };
    expect(stats.stages.min_length).toMatchObject({ in: 10, out: 8, dropped: { 'min_length:too_short': 2 } });
    expect(stats.stages.first_of_text).toMatchObject({ in: 8, out: 5, dropped: { 'first_of_text:duplicate': 3 } });
    expect(stats.stages.tokenize).toMatchObject({ in: 5, out: 5 });
    for (const [name, s] of Object.entries(stats.stages)) {
      if (name === 'read') continue;
      expect(s.in, name).toBe(s.out + Object.values(s.dropped).reduce((a, b) => a + b, 0));
      expect(s.ms, name).toBeGreaterThanOrEqual(0);
    }
  });

  it('keeps the first occurrence by (file, position) and round-trips the kept texts through the shards in order', async () => {
    const { runDir } = await prepare(corpus());
    const m = manifest(runDir);
    const enc = getEncoding('gpt2');
    const texts: string[] = [];
    for (const s of m.shards) {
      for await (const d of readShardDocs(path.join(runDir, s.path))) {
        expect(d.tokens[d.tokens.length - 1]).toBe(enc.eosId);
        texts.push(enc.decode(d.tokens.subarray(0, d.tokens.length - 1)));
      }
    }
    expect(texts).toEqual(['the quick brown fox', 'same text here', 'another line of text', 'unique words in b', 'c has its own line']);
    expect(m.tokenizer).toMatchObject({ name: 'gpt2', vocabSize: 50257, eosId: 50256, tokenWidth: 16 });
    expect(m.totals.tokens).toBe(m.shards.reduce((n, s) => n + s.tokens, 0));
  });

  it('resumes a killed run: finished tasks are skipped and the manifest is byte-identical', async () => {
    const input = corpus();
    const full = await prepare(input);
    const cfg = await resolveConfig(config, input, reg);
    const runDir = mkdtempSync(path.join(os.tmpdir(), 'biglm-runner-resume-'));
    const first = await prepareInto(runDir, cfg, 2);
    expect(first.summary.tasksRun).toBe(2);
    expect(existsSync(runPaths.manifest(runDir))).toBe(false);
    const second = await prepareInto(runDir, cfg);
    expect(second.summary.tasksSkipped).toBe(2);
    expect(readFileSync(runPaths.manifest(runDir), 'utf8')).toBe(readFileSync(runPaths.manifest(full.runDir), 'utf8'));
  });

  it('reruns a task whose marker is missing, even when its outputs exist', async () => {
    const { runDir, run } = await prepare(corpus());
    const before = readFileSync(runPaths.manifest(runDir), 'utf8');
    rmSync(runPaths.marker(runDir, 'seg1', 1));
    rmSync(runPaths.marker(runDir, 'finalize', 0));
    const again = await runLocal(run, { workers: 1, log: memoryLogger(), progress: false, registries: reg });
    expect(again.tasksRun).toBe(2);
    expect(readFileSync(runPaths.manifest(runDir), 'utf8')).toBe(before);
    expect(readdirSync(path.join(runDir, 'shards')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('trains a BPE vocabulary on the kept documents when the config asks, and tokenizes with it', async () => {
    const input = corpus();
    const cfg = await resolveConfig({ ...config, tokenizer: { name: 'tiny', train: { vocabSize: 300 } } }, input, reg);
    const { runDir, run } = await prepareInto(mkdtempSync(path.join(os.tmpdir(), 'biglm-runner-bpe-')), cfg);
    expect(run.plan.steps.map((s) => s.name)).toEqual(['seg0', 'first_of_text.decide', 'seg1', 'tokenizer.train', 'seg2', 'finalize']);
    const m = manifest(runDir);
    expect(m.tokenizer).toMatchObject({ name: 'tiny', vocabSize: 300, eosId: 299, tokenWidth: 16 });
    const enc = getEncoding(path.join(runDir, 'tokenizer'));
    const texts: string[] = [];
    for (const s of m.shards) for await (const d of readShardDocs(path.join(runDir, s.path))) texts.push(enc.decode(d.tokens.subarray(0, -1)));
    expect(texts).toEqual(['the quick brown fox', 'same text here', 'another line of text', 'unique words in b', 'c has its own line']);
    expect(m.totals.kept).toBe(5);
  });

  it('refuses a different config in the same run directory unless forced', async () => {
    const input = corpus();
    const { runDir } = await prepare(input);
    const other = await resolveConfig({ ...config, seed: 5 }, input, reg);
    await expect(openRunDir(runDir, other, reg, false)).rejects.toThrow(/different config.*--force/);
    const forced = await openRunDir(runDir, other, reg, true);
    expect(forced.resumed).toBe(false);
    expect(existsSync(runPaths.manifest(runDir))).toBe(false);
  });
});

describe('config resolution', () => {
  it('names the field, the value and a likely fix', async () => {
    const dir = corpus();
    await expect(resolveConfig({ ...config, seeed: 1 }, dir, reg)).rejects.toThrow(/seeed: unknown key \(did you mean 'seed'\?\)/);
    await expect(resolveConfig({ ...config, stages: [{ type: 'min_length', chars: 'x' }] }, dir, reg)).rejects.toThrow(
      /stages\[0\] \(min_length\)[\s\S]*chars = "x": expected number/,
    );
    await expect(resolveConfig({ ...config, stages: [{ type: 'gopher' }] }, dir, reg)).rejects.toThrow(/unknown stage type; known: first_of_text, min_length/);
    await expect(resolveConfig({ ...config, inputs: ['nope/*.txt'] }, dir, reg)).rejects.toThrow(ConfigError);
  });

  it('fills defaults and one task per input file', async () => {
    const cfg = await resolveConfig({ inputs: ['*.txt'], stages: [{ type: 'min_length' }] }, corpus(), reg);
    expect(cfg.stages).toEqual([{ type: 'min_length', name: 'min_length', options: { chars: 3 } }]);
    expect(cfg.tasks).toBe(3);
    expect(cfg.tokenizer.name).toBe('cl100k_base');
  });
});
