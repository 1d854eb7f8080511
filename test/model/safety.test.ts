// Nothing non-finite is trained on, saved or resumed from, and a damaged checkpoint names its file.

import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../lib/log.js';
import { ConfigError } from '../../lib/config-errors.js';
import { initBackend } from '../../model/backend.js';
import { NonFiniteError, resolveCheckpointDir, saveCheckpoint, loadCheckpoint } from '../../model/checkpoint.js';
import { TrainConfigSchema } from '../../model/config.js';
import { decodeSafetensors, encodeSafetensors } from '../../model/safetensors.js';
import { train } from '../../model/train.js';
import { writeExamplesDir } from './fixtures.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'biglm-safety-'));
const examples = path.join(tmp, 'examples');
const config = (out: string, extra: object = {}) =>
  TrainConfigSchema.parse({
    examples,
    out: path.join(tmp, out),
    steps: 4,
    batchSize: 4,
    evalEvery: 100,
    checkpointEvery: 2,
    logEvery: 100,
    backend: 'wasm',
    model: { dModel: 16, nLayers: 1, nHeads: 2, lengthClasses: 0 },
    optim: { lr: 3e-3, warmupSteps: 0 },
    ...extra,
  });

describe('non-finite values and damaged checkpoints', () => {
  beforeAll(async () => {
    await initBackend('wasm', memoryLogger());
    writeExamplesDir(examples, { T: 16, trainShards: 2, rowsPerShard: 6, validRows: 2, seed: 4 });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('makes checkpoints/latest a symlink to the newest checkpoint directory', async () => {
    await train(config('ok'), { log: memoryLogger() });
    const latest = path.join(tmp, 'ok', 'checkpoints', 'latest');
    expect(lstatSync(latest).isSymbolicLink()).toBe(true);
    expect(readlinkSync(latest)).toBe('step-00000004');
    expect(existsSync(path.join(latest, 'model.safetensors'))).toBe(true);
    expect(await resolveCheckpointDir(path.join(tmp, 'ok'))).toBe(path.join(tmp, 'ok', 'checkpoints', 'step-00000004'));
  });

  it('stops before an update that a non-finite loss or gradient would poison, leaving latest at the last finite checkpoint', async () => {
    // lr 1e9: after the first update the weights are ~1e9 and the next forward overflows.
    const log = memoryLogger();
    const err = await train(config('diverged', { steps: 6, checkpointEvery: 1, optim: { lr: 1e9, warmupSteps: 0, gradClip: 0 } }), { log }).catch((e) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect(err.message).toMatch(/^step \d+: .*not finite; no update applied/);
    const run = path.join(tmp, 'diverged');
    // The first update is finite (huge weights, no NaN yet) and checkpointed; a later step overflows.
    const dir = (await resolveCheckpointDir(run))!;
    expect(dir).not.toBeNull();
    const ck = await loadCheckpoint(dir); // refuses anything non-finite
    expect(err.message).toContain(`the last checkpoint, ${dir}, is finite`);
    for (const v of ck.params.values()) v.dispose();
    expect(readdirSync(path.join(run, 'checkpoints')).filter((e) => e.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to write a checkpoint holding NaN, and leaves latest as it was', async () => {
    const run = path.join(tmp, 'ok');
    const good = (await resolveCheckpointDir(run))!;
    const ck = await loadCheckpoint(good);
    const w = ck.params.get('blocks.0.attn.q.weight')!;
    w.assign(tf.tidy(() => tf.where(tf.equal(tf.range(0, w.size).reshape(w.shape), 5), tf.fill(w.shape, NaN), w)));
    const { AdamW } = await import('../../model/optim.js');
    const opt = new AdamW(ck.params, ck.config.train!.optim);
    await expect(saveCheckpoint(run, ck.config, ck.params, opt, { ...ck.state, step: 99 }, 2)).rejects.toThrow(/'blocks\.0\.attn\.q\.weight' holds 1 non-finite values \(first at index 5\); checkpoint not written/);
    expect(await resolveCheckpointDir(run)).toBe(good);
    expect(existsSync(path.join(run, 'checkpoints', 'step-00000099'))).toBe(false);
    opt.dispose();
    for (const v of ck.params.values()) v.dispose();
  });

  it('refuses to resume from a checkpoint with a non-finite weight, naming the file and the tensor', async () => {
    await train(config('nan'), { log: memoryLogger(), stopAfter: 2 });
    const dir = (await resolveCheckpointDir(path.join(tmp, 'nan')))!;
    const file = path.join(dir, 'model.safetensors');
    const st = decodeSafetensors(readFileSync(file), file);
    const tensors = [...st.tensors.values()];
    const victim = tensors.find((t) => t.name === 'embed.weight')!;
    victim.data[3] = Infinity;
    writeFileSync(file, encodeSafetensors(tensors, st.metadata));
    const err = await train(config('nan'), { log: memoryLogger(), resume: true }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(
      `${file}: 'embed.weight' holds 1 non-finite values (first at index 3); this checkpoint cannot be resumed or used — take an earlier one (checkpoints/step-…) or train again`,
    );
  });

  it('answers a garbage state.json on --resume with the file and the fix (exit 2: a ConfigError)', async () => {
    await train(config('garbage'), { log: memoryLogger(), stopAfter: 2 });
    const dir = (await resolveCheckpointDir(path.join(tmp, 'garbage')))!;
    const file = path.join(dir, 'state.json');
    writeFileSync(file, '{"step": 2, "loader": {"epo');
    const err = await train(config('garbage'), { log: memoryLogger(), resume: true }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON .*resume from an earlier checkpoint .*or start over with another --out$`));
    writeFileSync(file, JSON.stringify({ step: 2, loader: { epoch: 0, shard: 0, row: 8 }, dropped: {}, backend: 'wasm' }));
    const err2 = await train(config('garbage'), { log: memoryLogger(), resume: true }).catch((e) => e);
    expect(err2).toBeInstanceOf(ConfigError);
    expect(err2.message).toBe(
      `${file}: loader position {"epoch":0,"shard":0,"row":8} is not {epoch, window, row} (written by a biglm that read shards one at a time); this run cannot be resumed with the same data order — start over with another --out`,
    );
    writeFileSync(file, JSON.stringify({ step: 'two', loader: {}, dropped: {}, backend: 'wasm' }));
    const err3 = await train(config('garbage'), { log: memoryLogger(), resume: true }).catch((e) => e);
    expect(err3).toBeInstanceOf(ConfigError);
    expect(err3.message).toContain(`${file}: not a training state (step: `);
  });
});
