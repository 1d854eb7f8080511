import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../model/backend.js';
import { memoryLogger } from '../../lib/log.js';
import { allowed, prefixLmBias, toTensors } from '../../model/batch.js';
import { encode, initParams, disposeParams } from '../../model/biglm.js';
import { resolveModelConfig } from '../../model/config.js';
import { Rng } from '../../lib/rng.js';
import { EMBEDDING_SIZE, hostBatch, makeRow } from './fixtures.js';

const T = 32;
const config = resolveModelConfig({ vocabSize: EMBEDDING_SIZE, dModel: 32, nLayers: 2, nHeads: 2, maxSeqLen: T, rotaryFraction: 0.5 });

function hidden(row: ReturnType<typeof makeRow>): Float32Array {
  const params = initParams(config, 7);
  const bt = toTensors(hostBatch([row]), 0);
  const h = tf.tidy(() => encode(config, params, bt));
  const out = h.dataSync() as Float32Array;
  h.dispose();
  bt.dispose();
  disposeParams(params);
  return out.slice();
}

function rowsOf(h: Float32Array, positions: number[]): number[][] {
  const C = config.dModel;
  return positions.map((p) => Array.from(h.subarray(p * C, (p + 1) * C)));
}

describe('the prefix-LM attention mask', () => {
  beforeAll(async () => {
    await initBackend('wasm', memoryLogger());
  });

  it('lets source see only source of its segment, target see its whole segment, and nothing cross segments', () => {
    expect(allowed(1, 1, 1, 1)).toBe(true);
    expect(allowed(1, 1, 1, 2)).toBe(false);
    expect(allowed(1, 2, 1, 1)).toBe(true);
    expect(allowed(1, 2, 1, 2)).toBe(true);
    expect(allowed(1, 2, 2, 2)).toBe(false);
    expect(allowed(0, 0, 0, 0)).toBe(false);
    expect(allowed(1, 2, 0, 0)).toBe(false);
  });

  it('gives padding rows no allowed key and marks them invalid', () => {
    const row = makeRow(new Rng(1), T, 2);
    row.segment_ids[T - 1] = 0;
    row.roles[T - 1] = 0;
    const { bias, rowValid } = prefixLmBias(hostBatch([row]));
    expect(rowValid[T - 1]).toBe(0);
    expect(Array.from(bias.subarray((T - 1) * T, T * T)).every((v) => v < -1e8)).toBe(true);
    expect(rowValid[0]).toBe(1);
  });

  it('leaves every source token unchanged when a target token changes', () => {
    const row = makeRow(new Rng(3), T, 2);
    const firstTarget = row.roles.findIndex((r, i) => r === 2 && row.segment_ids[i] === 1);
    const sources = row.roles.flatMap((r, i) => (r === 1 && row.segment_ids[i] === 1 ? [i] : []));
    const changed = structuredClone(row);
    changed.input_ids[firstTarget] = (row.input_ids[firstTarget] + 5) % 60;
    const a = hidden(row);
    const b = hidden(changed);
    expect(rowsOf(b, sources)).toEqual(rowsOf(a, sources));
    // ...while the target tokens of that segment do see it.
    expect(rowsOf(b, [firstTarget + 1])).not.toEqual(rowsOf(a, [firstTarget + 1]));
  });

  it('leaves a segment unchanged when another segment changes', () => {
    const row = makeRow(new Rng(4), T, 2);
    const seg1 = row.segment_ids.flatMap((s, i) => (s === 1 ? [i] : []));
    const seg2 = row.segment_ids.flatMap((s, i) => (s === 2 ? [i] : []));
    const changed = structuredClone(row);
    for (const i of seg2.slice(1)) changed.input_ids[i] = (row.input_ids[i] + 11) % 60;
    const a = hidden(row);
    const b = hidden(changed);
    expect(rowsOf(b, seg1)).toEqual(rowsOf(a, seg1));
    expect(rowsOf(b, seg2.slice(2))).not.toEqual(rowsOf(a, seg2.slice(2)));
  });
});
