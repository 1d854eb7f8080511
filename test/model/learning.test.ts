// Checks a training run's numbers can be trusted: the loss at step 0 is what theory says, the attention
// mask of one packed row is the one written out by hand, and the baselines the evaluation prints are the
// counts of the labels, recomputed here from the shards.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../lib/log.js';
import { Rng } from '../../lib/rng.js';
import { initBackend } from '../../model/backend.js';
import { prefixLmBias, toTensors } from '../../model/batch.js';
import { countTrainingLabels } from '../../model/baselines.js';
import { disposeParams, initParams, lossParts } from '../../model/biglm.js';
import { resolveModelConfig } from '../../model/config.js';
import { readShard } from '../../model/data.js';
import { readExamplesManifest } from '../../formats/examples/manifest.js';
import { evaluateHeldOut } from '../../model/eval.js';
import { setOutputBiasToLogUnigram } from '../../model/output-bias.js';
import { BASE_VOCAB, EMBEDDING_SIZE, hostBatch, makeRow, writeExamplesDir } from './fixtures.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'biglm-learning-'));
const examples = path.join(tmp, 'examples');
const T = 32;
const model = (lengthClasses: number) => resolveModelConfig({ vocabSize: EMBEDDING_SIZE, dModel: 32, nLayers: 2, nHeads: 2, maxSeqLen: T, lengthClasses, rotaryFraction: 0.5 });

describe('what a training run reports', () => {
  beforeAll(async () => {
    await initBackend('wasm', memoryLogger());
    writeExamplesDir(examples, { T, trainShards: 3, rowsPerShard: 12, validRows: 10, seed: 21 });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('starts at ln(V) + weight·ln(classes) with a zero output bias, within 0.1', () => {
    const c = model(16);
    const params = initParams(c, 5);
    const rows = Array.from({ length: 8 }, (_, i) => makeRow(new Rng(i), T, 2));
    const bt = toTensors(hostBatch(rows), c.lengthClasses);
    const [total, mlm, length] = tf.tidy(() => {
      const p = lossParts(c, params, bt);
      return [p.total, p.mlm, p.length].map((t) => t.dataSync()[0]);
    });
    bt.dispose();
    disposeParams(params);
    expect(Math.abs(mlm - Math.log(EMBEDDING_SIZE))).toBeLessThan(0.1);
    expect(Math.abs(length - Math.log(16))).toBeLessThan(0.1);
    expect(Math.abs(total - (Math.log(EMBEDDING_SIZE) + c.lengthLossWeight * Math.log(16)))).toBeLessThan(0.1);
  });

  it('masks one packed row exactly as written out by hand', () => {
    // Two documents and padding: [BOS a b | c d] [BOS e | f] pad. Roles: 1 source, 2 target, 0 pad.
    const seg = [1, 1, 1, 1, 1, 2, 2, 2, 0];
    const role = [1, 1, 1, 2, 2, 1, 1, 2, 0];
    const n = seg.length;
    const row = { input_ids: seg.map(() => 1), labels: seg.map(() => -100), segment_ids: seg, roles: role, loss_weights: seg.map(() => 0), target_lengths: [2, 1] };
    const { bias, rowValid } = prefixLmBias(hostBatch([row]));
    const allowed = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (bias[i * n + j] === 0 ? 1 : 0)).join(''));
    expect(allowed).toEqual([
      '111000000', // BOS of doc 1: its source only
      '111000000',
      '111000000',
      '111110000', // a target token sees its whole document
      '111110000',
      '000001100', // doc 2's source: its own source only
      '000001100',
      '000001110',
      '000000000', // padding sees nothing
    ]);
    expect(Array.from(rowValid)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0]);
  });

  it('prints unigram and bigram baselines equal to the label counts, and a bias-initialised model starts on the unigram', async () => {
    const manifest = await readExamplesManifest(examples);
    const V = BASE_VOCAB;
    // Label counts recomputed here: unigram with add-½, bigram on the visible left neighbour with 4 unigram pseudo-counts.
    const uni = new Float64Array(V);
    const bi = new Map<string, number>();
    const ctx = new Map<number, number>();
    let N = 0;
    const left = (ids: Int32Array, seg: Int32Array, i: number) => (i % T > 0 && seg[i - 1] === seg[i] ? ids[i - 1] : -1);
    for (const ref of manifest.shards) {
      const s = readShard(path.join(examples, ref.path), T, memoryLogger(), new Map());
      for (let i = 0; i < s.rows * T; i++) {
        if (s.labels[i] < 0) continue;
        const x = left(s.inputIds, s.segmentIds, i);
        uni[s.labels[i]]++;
        N++;
        bi.set(`${x},${s.labels[i]}`, (bi.get(`${x},${s.labels[i]}`) ?? 0) + 1);
        ctx.set(x, (ctx.get(x) ?? 0) + 1);
      }
    }
    const pu = (y: number) => (uni[y] + 0.5) / (N + 0.5 * V);
    const pb = (x: number, y: number) => ((bi.get(`${x},${y}`) ?? 0) + 4 * pu(y)) / ((ctx.get(x) ?? 0) + 4);
    const top = uni.indexOf(Math.max(...uni));
    let positions = 0;
    let source = 0;
    let uniCE = 0;
    let biCE = 0;
    let topHits = 0;
    const valid = readShard(path.join(examples, manifest.valid_shards[0].path), T, memoryLogger(), new Map());
    for (let i = 0; i < valid.rows * T; i++) {
      const y = valid.labels[i];
      if (y < 0) continue;
      positions++;
      if (valid.roles[i] === 1) source++;
      uniCE -= Math.log(pu(y));
      biCE -= Math.log(pb(left(valid.inputIds, valid.segmentIds, i), y));
      if (y === top) topHits++;
    }

    const counts = countTrainingLabels(examples, manifest, memoryLogger());
    expect(counts.total).toBe(N);
    expect(counts.top).toBe(top);
    const c = model(T);
    const params = initParams(c, 9);
    setOutputBiasToLogUnigram(params, counts);
    const r = await evaluateHeldOut(c, params, { dir: examples, manifest, counts, batchSize: 4, log: memoryLogger() });
    expect(r.rows).toBe(10);
    expect(r.positions).toBe(positions);
    expect(r.source.positions).toBe(source);
    expect(r.target.positions).toBe(positions - source);
    expect(r.unigramCE).toBeCloseTo(uniCE / positions, 10);
    expect(r.bigramCE).toBeCloseTo(biCE / positions, 10);
    expect(r.top1UnigramAccuracy).toBeCloseTo(topHits / positions, 10);
    expect(r.bigramCE).toBeLessThan(r.unigramCE); // the toy language is a deterministic walk: the left neighbour tells a lot
    // Step 0 with the bias at the log-unigram: the unigram's loss, and its top token predicted everywhere.
    expect(Math.abs(r.loss - r.unigramCE)).toBeLessThan(0.1);
    expect(r.topPrediction).toEqual({ id: top, share: 1 });
    expect(r.accuracy).toBeCloseTo(r.top1UnigramAccuracy, 10);
    expect(Object.keys(r.byCorpus)).toEqual(['valid-0.arrow']);
    expect(r.length!.segments).toBeGreaterThan(0);
    disposeParams(params);
  });
});
