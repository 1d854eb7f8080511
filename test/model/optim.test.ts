import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../model/backend.js';
import { memoryLogger } from '../../lib/log.js';
import { OptimConfigSchema } from '../../model/config.js';
import { AdamW } from '../../model/optim.js';

let instance = 0; // tfjs variable names are global

/** One AdamW step on a single matrix with gradient g; returns the reported norm and the first moment. */
function stepWith(g: number[], gradClip: number): { norm: number; m: number[] } {
  const w = tf.tidy(() => tf.variable(tf.zeros([2, 2]), true, `w#optim-${++instance}`));
  const opt = new AdamW(new Map([['w', w]]), OptimConfigSchema.parse({ gradClip, beta1: 0.9, weightDecay: 0 }));
  const grads = { [w.name]: tf.tensor2d(g, [2, 2]) };
  const normT = opt.apply(grads, 1e-3);
  const out = { norm: normT.dataSync()[0], m: Array.from(opt.m.get('w')!.dataSync()) };
  tf.dispose([normT, ...Object.values(grads), w]);
  opt.dispose();
  return out;
}

describe('AdamW', () => {
  beforeAll(async () => {
    await initBackend('wasm', memoryLogger());
  });

  it('reports the global gradient norm before clipping, as a tensor', () => {
    expect(stepWith([3, 0, 0, 4], 0).norm).toBeCloseTo(5, 5);
    expect(stepWith([3, 0, 0, 4], 1).norm).toBeCloseTo(5, 5);
  });

  it('leaves gradients under the clip norm exactly as they are', () => {
    // First moment after one step: (1 - β1)·g.
    expect(stepWith([3, 0, 0, 4], 10).m).toEqual(stepWith([3, 0, 0, 4], 0).m);
  });

  it('scales gradients over the clip norm down to it', () => {
    const m = stepWith([3, 0, 0, 4], 1).m;
    const expected = [3, 0, 0, 4].map((x) => 0.1 * x * (1 / (5 + 1e-6)));
    m.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });

  it('leaks no tensors in a step', () => {
    stepWith([1, 2, 3, 4], 1);
    const before = tf.memory().numTensors;
    stepWith([1, 2, 3, 4], 1);
    stepWith([1, 2, 3, 4], 0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
