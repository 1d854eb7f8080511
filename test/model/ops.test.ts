import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../model/backend.js';
import { memoryLogger } from '../../lib/log.js';
import { applyRotary, matmul, rotaryTables, softmaxCrossEntropy } from '../../model/ops.js';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('model building blocks on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm', memoryLogger());
  });

  it('matmul with the transpose-then-matmul gradient matches tf.matMul and its gradient', () => {
    const a = tf.randomNormal([5, 7], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([7, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
    const w = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matmul(x as tf.Tensor2D, y as tf.Tensor2D), w)))([a, b]);
    const stock = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), w)))([a, b]);
    expect(maxAbsDiff(matmul(a, b), tf.matMul(a, b))).toBeLessThan(1e-5);
    expect(maxAbsDiff(ours[0], stock[0])).toBeLessThan(1e-5);
    expect(maxAbsDiff(ours[1], stock[1])).toBeLessThan(1e-5);
  });

  it('softmax cross-entropy and its gradient match the stock formulation', () => {
    const logits = tf.randomNormal([6, 11], 0, 3, 'float32', 4) as tf.Tensor2D;
    const labels = tf.tensor1d([0, 3, 10, 5, 5, 1], 'int32');
    const w = tf.tensor1d([1, 0.5, 2, 1, 0, 1]);
    const ref = (x: tf.Tensor) => tf.neg(tf.sum(tf.mul(tf.logSoftmax(x), tf.oneHot(labels, 11)), 1));
    expect(maxAbsDiff(softmaxCrossEntropy(logits, labels), ref(logits))).toBeLessThan(1e-5);
    const g1 = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(softmaxCrossEntropy(x as tf.Tensor2D, labels), w)))(logits);
    const g2 = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(ref(x), w)))(logits);
    expect(maxAbsDiff(g1, g2)).toBeLessThan(1e-5);
  });

  it('rotates the first r dimensions of each head by position and passes the rest through', () => {
    const [B, T, H, D, r] = [1, 4, 2, 8, 4];
    const x = tf.randomNormal([B, T, H, D], 0, 1, 'float32', 5) as tf.Tensor4D;
    const out = applyRotary(x, rotaryTables(T, D, r, 10000)).arraySync();
    const xs = x.arraySync();
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < H; h++) {
        for (let i = 0; i < r / 2; i++) {
          const th = t / Math.pow(10000, (2 * i) / r);
          const [x1, x2] = [xs[0][t][h][i], xs[0][t][h][i + r / 2]];
          expect(out[0][t][h][i]).toBeCloseTo(x1 * Math.cos(th) - x2 * Math.sin(th), 5);
          expect(out[0][t][h][i + r / 2]).toBeCloseTo(x2 * Math.cos(th) + x1 * Math.sin(th), 5);
        }
        for (let i = r; i < D; i++) expect(out[0][t][h][i]).toBeCloseTo(xs[0][t][h][i], 6);
      }
    }
  });
});
