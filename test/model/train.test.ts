import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../lib/log.js';
import { Rng } from '../../lib/rng.js';
import { initBackend } from '../../model/backend.js';
import { toTensors } from '../../model/batch.js';
import { disposeParams, initParams, lossParts, type Params } from '../../model/biglm.js';
import { loadCheckpoint, loadOptimizerState, resolveCheckpointDir, saveCheckpoint } from '../../model/checkpoint.js';
import { OptimConfigSchema, resolveModelConfig, TrainConfigSchema, type ModelConfig } from '../../model/config.js';
import { generate } from '../../model/generate.js';
import { AdamW } from '../../model/optim.js';
import { train, trainStep } from '../../model/train.js';
import { EMBEDDING_SIZE, EOS, SPECIALS, BASE_VOCAB, hostBatch, makeRow, writeExamplesDir, type Row, padRow } from './fixtures.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'biglm-train-'));
const optim = OptimConfigSchema.parse({ lr: 3e-3, minLr: 3e-3, warmupSteps: 0 });

function tinyModel(T: number, lengthClasses = 0): ModelConfig {
  return resolveModelConfig({ vocabSize: EMBEDDING_SIZE, dModel: 32, nLayers: 2, nHeads: 2, maxSeqLen: T, lengthClasses, rotaryFraction: 0.5 });
}

function loss(c: ModelConfig, params: Params, rows: Row[]): number {
  const bt = toTensors(hostBatch(rows), c.lengthClasses);
  const t = tf.tidy(() => lossParts(c, params, bt).total);
  const v = t.dataSync()[0];
  t.dispose();
  bt.dispose();
  return v;
}

/** [BOS] source [BOS] target [EOS] with some target tokens masked: the shape generation fills in. */
const SOURCE = [5, 9, 13, 17, 21];
const TARGET = [25, 29, 33, 37];
function promptRow(maskedTargets: number[], T: number): Row {
  const ids = [SPECIALS.bos, ...SOURCE, SPECIALS.bos, ...TARGET, EOS];
  const start = SOURCE.length + 2;
  const row: Row = { input_ids: [], labels: [], segment_ids: [], roles: [], loss_weights: [], target_lengths: [TARGET.length] };
  ids.forEach((tok, i) => {
    const masked = i >= start && maskedTargets.includes(i - start);
    row.input_ids.push(masked ? SPECIALS.mask : tok);
    row.labels.push(masked ? tok : -100);
    row.loss_weights.push(masked ? 1 : 0);
    row.segment_ids.push(1);
    row.roles.push(i < start ? 1 : 2);
  });
  return padRow(row, T);
}

describe('training a tiny BiGLM', () => {
  beforeAll(async () => {
    await initBackend('wasm', memoryLogger());
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('lowers the loss on a fixed batch with one optimizer step', async () => {
    const c = tinyModel(32);
    const params = initParams(c, 1);
    const opt = new AdamW(params, optim);
    const rows = [0, 1, 2, 3].map((i) => makeRow(new Rng(10, i), 32, 2));
    const before = loss(c, params, rows);
    await trainStep(c, params, opt, hostBatch(rows), 1e-2);
    const after = loss(c, params, rows);
    expect(after).toBeLessThan(before);
    opt.dispose();
    disposeParams(params);
  });

  it('leaks no tensors across a training step', async () => {
    const c = tinyModel(32, 32);
    const params = initParams(c, 2);
    const opt = new AdamW(params, optim);
    const hb = hostBatch([makeRow(new Rng(11), 32, 2), makeRow(new Rng(12), 32, 2)]);
    await trainStep(c, params, opt, hb, 1e-3);
    const before = tf.memory().numTensors;
    await trainStep(c, params, opt, hb, 1e-3);
    await trainStep(c, params, opt, hb, 1e-3);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    disposeParams(params);
  });

  it('applies dropout only when asked, reproducibly from its seed', () => {
    const c = resolveModelConfig({ ...tinyModel(32), dropout: 0.2 });
    const params = initParams(c, 4);
    const bt = toTensors(hostBatch([makeRow(new Rng(13), 32, 2)]), 0);
    const at = (training: boolean, dropoutSeed: number) => {
      const t = tf.tidy(() => lossParts(c, params, bt, { training, dropoutSeed }).total);
      const v = t.dataSync()[0];
      t.dispose();
      return v;
    };
    expect(at(true, 1)).toBe(at(true, 1));
    expect(at(true, 1)).not.toBe(at(true, 2));
    expect(at(false, 1)).toBe(at(false, 2));
    bt.dispose();
    disposeParams(params);
  });

  describe('on a repeated batch', () => {
    const T = 16;
    const c = tinyModel(T, 8);
    let params: Params;
    const masks = [[0, 1, 2, 3], [0, 1, 2, 3], [0, 2], [1, 3], [0], [3], [1, 2], [2, 3]];
    const rows = masks.map((m) => promptRow(m, T));

    beforeAll(async () => {
      params = initParams(c, 3);
      const opt = new AdamW(params, optim);
      for (let s = 0; s < 90; s++) await trainStep(c, params, opt, hostBatch(rows), 1e-2);
      opt.dispose();
    });
    afterAll(() => disposeParams(params));

    it('overfits it (loss below 0.5)', () => {
      expect(loss(c, params, rows)).toBeLessThan(0.5);
    });

    it('restores the masked tokens by mask-predict, with a given length and with the length head', async () => {
      const sp = { mask: SPECIALS.mask, bos: SPECIALS.bos, eos: EOS, vocabSize: BASE_VOCAB };
      const given = await generate(c, params, SOURCE, sp, { length: TARGET.length, iterations: 3, beam: 1 });
      expect(given.best.tokens).toEqual(TARGET);
      const predicted = await generate(c, params, SOURCE, sp, { iterations: 3, beam: 2 });
      expect(predicted.candidates.map((x) => x.length)).toContain(TARGET.length);
      expect(predicted.best.length).toBe(TARGET.length);
      expect(predicted.best.tokens).toEqual(TARGET);
    });
  });

  describe('end to end from example shards', () => {
    const examples = path.join(tmp, 'examples');
    const base = (out: string, extra: object = {}) =>
      TrainConfigSchema.parse({
        examples,
        out: path.join(tmp, out),
        steps: 6,
        batchSize: 4,
        evalEvery: 3,
        evalBatches: 1,
        checkpointEvery: 3,
        logEvery: 100,
        backend: 'wasm',
        model: { dModel: 32, nLayers: 2, nHeads: 2, lengthClasses: 32 },
        optim: { lr: 3e-3, warmupSteps: 2 },
        ...extra,
      });
    const lossesOf = (run: string) =>
      readFileSync(path.join(tmp, run, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .map((m) => (m.type === 'train' ? m.loss : m.eval_loss));

    beforeAll(() => writeExamplesDir(examples, { T: 32, trainShards: 2, rowsPerShard: 7, validRows: 4, seed: 5 }));

    it('writes metrics, a loss plot and safetensors checkpoints that round-trip bit-exactly', async () => {
      const log = memoryLogger();
      const r = await train(base('full'), { log });
      expect(r.step).toBe(6);
      expect(lossesOf('full')).toHaveLength(6 + 2);
      expect(readFileSync(path.join(tmp, 'full', 'loss.svg'), 'utf8')).toContain('<svg');
      // the report is its caller's to write (cli/commands/model.ts passes the writer)
      expect(existsSync(path.join(tmp, 'full', 'report.html'))).toBe(false);
      const dir = (await resolveCheckpointDir(path.join(tmp, 'full')))!;
      expect(path.basename(dir)).toBe('step-00000006');
      const a = await loadCheckpoint(dir);
      // Re-save what was loaded and load again: identical bytes in, identical values out.
      const opt = new AdamW(a.params, a.config.train!.optim);
      await loadOptimizerState(dir, a.config.model, opt);
      expect(opt.step).toBe(6);
      const again = await saveCheckpoint(path.join(tmp, 'copy'), a.config, a.params, opt, a.state, 1);
      const sameFile = (f: string) => readFileSync(path.join(again, f)).equals(readFileSync(path.join(dir, f)));
      expect(sameFile('model.safetensors')).toBe(true);
      expect(sameFile('optimizer.safetensors')).toBe(true);
      const b = await loadCheckpoint(again);
      const bytes = (t: tf.Tensor) => Buffer.from((t.dataSync() as Float32Array).buffer);
      for (const [name, v] of a.params) expect(bytes(b.params.get(name)!).equals(bytes(v)), name).toBe(true);
      expect(a.params.get('blocks.0.attn.q.weight')!.shape).toEqual([32, 32]);
      opt.dispose();
      disposeParams(a.params);
      disposeParams(b.params);
    });

    it('resumes after an interruption with exactly the losses of the uninterrupted run', async () => {
      const full = lossesOf('full');
      const log = memoryLogger();
      await train(base('resumed'), { log, stopAfter: 4 });
      await expect(train(base('resumed'), { log })).rejects.toThrow(/--resume/);
      const r = await train(base('resumed'), { log, resume: true });
      expect(log.lines.some((l) => l.startsWith('resumed from') && l.endsWith('at step 3'))).toBe(true);
      expect(r.step).toBe(6);
      expect(lossesOf('resumed')).toEqual(full);
    });
  });
});
