import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../model/backend.js';

/** Runs f on the cpu backend and on wasm (with our kernels) and returns both results as arrays. */
async function onBoth(f: () => tf.Tensor): Promise<[number[], number[]]> {
  await initBackend('cpu');
  const cpu = tf.tidy(f);
  const a = Array.from(cpu.dataSync());
  cpu.dispose();
  await initBackend('wasm');
  const w = tf.tidy(f);
  const b = Array.from(w.dataSync());
  w.dispose();
  return [a, b];
}

function expectClose(a: number[], b: number[], tol = 1e-4): void {
  expect(b.length).toBe(a.length);
  const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  expect(worst).toBeLessThan(tol);
}

describe('the wasm backend with our kernels', () => {
  it('reports which backend it chose', async () => {
    expect((await initBackend('wasm')).detail).toMatch(/^wasm \(SIMD (on|off)/);
    expect((await initBackend('cpu')).name).toBe('cpu');
    await expect(initBackend('tensorflow')).rejects.toThrow(/is installed/);
  });

  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    it(`computes batched matmuls with transposeA=${ta} transposeB=${tb} like the cpu backend`, async () => {
      const a = () => tf.randomNormal(ta ? [3, 2, 7, 5] : [3, 2, 5, 7], 0, 1, 'float32', 1);
      const b = () => tf.randomNormal(tb ? [3, 2, 4, 7] : [3, 2, 7, 4], 0, 1, 'float32', 2);
      expectClose(...(await onBoth(() => tf.matMul(a(), b(), ta, tb))));
    });
  }

  it('broadcasts a single matrix against a batch, and transposes 2-D operands', async () => {
    expectClose(...(await onBoth(() => tf.matMul(tf.randomNormal([4, 5, 6], 0, 1, 'float32', 3), tf.randomNormal([6, 3], 0, 1, 'float32', 4)))));
    expectClose(...(await onBoth(() => tf.matMul(tf.randomNormal([6, 5], 0, 1, 'float32', 5), tf.randomNormal([3, 6], 0, 1, 'float32', 6), true, true))));
  });

  it('sums segments (the gradient of gather) like the definition', async () => {
    await initBackend('wasm');
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
    const out = tf.unsortedSegmentSum(x, tf.tensor1d([2, 0, 2, 9], 'int32'), 3);
    expect(out.arraySync()).toEqual([[3, 4], [0, 0], [6, 8]]);
    const g = tf.grad((e: tf.Tensor) => tf.sum(tf.gather(e, tf.tensor1d([1, 1, 0], 'int32'))))(tf.ones([3, 2]));
    expect(g.arraySync()).toEqual([[1, 1], [2, 2], [0, 0]]);
  });
});
