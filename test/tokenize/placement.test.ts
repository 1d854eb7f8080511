// Tokenize is a stage a config may place, last: a config that names it writes the same shards and text as one
// that leaves it to the plan, with a barrier before it and with a vocabulary trained in the run; a stage after
// it, a second one, or an option it does not take is refused before anything runs.

import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { buildPlan } from '../../pipeline/runner/plan.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { runLocal } from '../../pipeline/executor/local.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { memoryLogger } from '../../lib/log.js';
import { ConfigError } from '../../lib/config-errors.js';
import type { Manifest } from '../../pipeline/runner/run-file-types.js';
import { writeRealCorpus } from '../executor/fixtures.js';

const reg = defaultRegistries();
const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-tokenize-placement-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stages = [{ type: 'length', minChars: 40 }, { type: 'exact_dedup' }, { type: 'gopher_repetition' }];

async function prepare(name: string, config: Record<string, unknown>, workers = 1) {
  const cfg = await resolveConfig(config, dir, reg);
  const out = path.join(dir, name);
  await runLocal(await openRunDir(out, cfg, reg, false), { workers, log: memoryLogger(), progress: false, ...(workers === 1 ? { registries: reg } : {}) });
  const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
  const files = (sub: string) => (existsSync(path.join(out, sub)) ? readdirSync(path.join(out, sub)) : []).sort().map((f) => [f, readFileSync(path.join(out, sub, f)).toString('base64')]);
  return { cfg, manifest, shards: files('shards'), text: files('text') };
}

describe('the tokenize stage', () => {
  it('placed last by a config writes the shards and text output of the config that leaves it out', async () => {
    await writeRealCorpus(path.join(dir, 'in'), 3, 8);
    const base = { inputs: ['in/*.jsonl'], tokenizer: { name: 'gpt2' }, output: { textOutput: 'parquet', batchDocs: 4 } };
    const implicit = await prepare('implicit', { ...base, stages });
    const explicit = await prepare('explicit', { ...base, stages: [...stages, { type: 'tokenize' }] }, 2);
    expect(implicit.manifest.totals.kept).toBeGreaterThan(10);
    expect(explicit.shards).toEqual(implicit.shards);
    expect(explicit.text).toEqual(implicit.text);
    expect(explicit.manifest.totals).toEqual(implicit.manifest.totals);
    expect(explicit.manifest.shards).toEqual(implicit.manifest.shards);
    // the config differs by the stage it names, so its hash does too
    expect(explicit.manifest.configHash).not.toBe(implicit.manifest.configHash);
    expect(explicit.cfg.stages.at(-1)).toEqual({ type: 'tokenize', name: 'tokenize', options: {} });
  });

  it('tokenizes after the vocabulary is trained, in the segment after the training step, named or not', async () => {
    const base = { inputs: ['in/*.jsonl'], tokenizer: { name: 'placed-bpe', train: { vocabSize: 300 } } };
    const implicit = await prepare('train-implicit', { ...base, stages });
    const explicit = await prepare('train-explicit', { ...base, stages: [...stages, { type: 'tokenize' }] });
    const steps = buildPlan(explicit.cfg, path.join(dir, 'train-explicit'), reg).steps.map((s) => s.name);
    expect(steps).toEqual(['seg0', 'exact_dedup.groups', 'exact_dedup.report', 'seg1', 'tokenizer.train', 'seg2', 'finalize']);
    expect(buildPlan(implicit.cfg, path.join(dir, 'train-implicit'), reg).steps.map((s) => s.name)).toEqual(steps);
    expect(explicit.shards).toEqual(implicit.shards);
    expect(explicit.manifest.tokenizer.vocabSize).toBe(300);
  });

  it('is refused anywhere but last, twice, or with an option, naming the entry and the fix', async () => {
    const resolve = (list: unknown[]) => resolveConfig({ inputs: ['in/*.jsonl'], stages: list }, dir, reg);
    await expect(resolve([{ type: 'tokenize' }, { type: 'pii' }])).rejects.toThrow(
      'stages[1] (pii) comes after tokenize (stages[0]): tokenize is the last stage, only the writers of "output" follow it; move tokenize to the end of "stages", or leave it out (it is placed last when a config does not name it)',
    );
    await expect(resolve([{ type: 'tokenize' }, { type: 'tokenize' }])).rejects.toThrow(
      'stages[1].type = "tokenize": tokenize is already stages[0]; a run tokenizes once, remove one',
    );
    await expect(resolve([{ type: 'tokenize', encoding: 'gpt2' }])).rejects.toThrow(ConfigError);
    await expect(resolve([{ type: 'tokenize', encoding: 'gpt2' }])).rejects.toThrow(/stages\[0\] \(tokenize\)/);
  });
});
