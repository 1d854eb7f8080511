import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, releaseBackend } from '../../model/backend.js';
import { memoryLogger } from '../../lib/log.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nvidiaEglIcd, probeWebGpu } from '../../model/webgpu.js';

// What this machine has: the WebGPU tests below assert the behaviour without an adapter, and skip
// where one exists (a GPU machine; a software Vulkan such as lavapipe gives a fallback adapter).
const probe = await probeWebGpu();
const noAdapter = probe.adapter === null;
const noHardwareAdapter = noAdapter || probe.adapter.isFallbackAdapter;

/** Runs f on the cpu backend and on wasm (with our kernels) and returns both results as arrays. */
async function onBoth(f: () => tf.Tensor): Promise<[number[], number[]]> {
  await initBackend('cpu', memoryLogger());
  const cpu = tf.tidy(f);
  const a = Array.from(cpu.dataSync());
  cpu.dispose();
  await initBackend('wasm', memoryLogger());
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
    expect((await initBackend('wasm', memoryLogger())).detail).toMatch(/^wasm \(SIMD (on|off)/);
    expect((await initBackend('cpu', memoryLogger())).name).toBe('cpu');
    await expect(initBackend('tensorflow', memoryLogger())).rejects.toThrow(/is installed/);
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
    await initBackend('wasm', memoryLogger());
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
    const out = tf.unsortedSegmentSum(x, tf.tensor1d([2, 0, 2, 9], 'int32'), 3);
    expect(out.arraySync()).toEqual([[3, 4], [0, 0], [6, 8]]);
    const g = tf.grad((e: tf.Tensor) => tf.sum(tf.gather(e, tf.tensor1d([1, 1, 0], 'int32'))))(tf.ones([3, 2]));
    expect(g.arraySync()).toEqual([[1, 1], [2, 2], [0, 0]]);
  });
});

describe('WebGPU', () => {
  it("writes an ICD naming NVIDIA's EGL library when a driver folder has one, and nothing otherwise", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-icd-'));
    try {
      expect(nvidiaEglIcd([dir])).toBeNull();
      const lib = path.join(dir, 'libEGL_nvidia.so.0');
      writeFileSync(lib, '');
      const icd = nvidiaEglIcd(['/nonexistent', dir])!;
      expect(path.dirname(icd)).toBe(os.tmpdir());
      expect(JSON.parse(readFileSync(icd, 'utf8'))).toEqual({ file_format_version: '1.0.0', ICD: { library_path: lib, api_version: '1.3.0' } });
      rmSync(icd);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!noAdapter)('without an adapter, --backend webgpu fails fast and says what is missing', async () => {
    const t0 = performance.now();
    const err = (await initBackend('webgpu', memoryLogger()).then(
      () => null,
      (e: unknown) => e as Error,
    ))!;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/^--backend webgpu: no WebGPU adapter: /);
    expect(err.message).toMatch(/libvulkan1/);
    expect(err.message).toMatch(/VK_DRIVER_FILES=/);
    expect(err.message).toMatch(/use --backend wasm/);
    // Dawn's own explanation (e.g. "Couldn't load Vulkan") was captured from the probe's stderr.
    if (probe.adapter === null && !/not installed/.test(probe.reason)) expect(err.message).toMatch(/Dawn/);
    expect(performance.now() - t0).toBeLessThan(15_000);
  });

  it.skipIf(!noHardwareAdapter)('without a hardware adapter, auto picks wasm', async () => {
    const info = await initBackend('auto', memoryLogger());
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it.skipIf(noAdapter)('with an adapter, trains like wasm: same losses, no leaked tensors', async () => {
    const { initParams, disposeParams } = await import('../../model/biglm.js');
    const { OptimConfigSchema, resolveModelConfig } = await import('../../model/config.js');
    const { AdamW } = await import('../../model/optim.js');
    const { trainStep } = await import('../../model/train.js');
    const { hostBatch, makeRow, EMBEDDING_SIZE } = await import('./fixtures.js');
    const { Rng } = await import('../../lib/rng.js');
    const c = resolveModelConfig({ vocabSize: EMBEDDING_SIZE, dModel: 32, nLayers: 2, nHeads: 2, maxSeqLen: 32, lengthClasses: 32, rotaryFraction: 0.5 });
    const hb = hostBatch([makeRow(new Rng(21), 32, 2), makeRow(new Rng(22), 32, 2)]);
    const lossesOn = async (backend: 'webgpu' | 'wasm') => {
      await initBackend(backend, memoryLogger());
      const params = initParams(c, 5);
      const opt = new AdamW(params, OptimConfigSchema.parse({ lr: 1e-2 }));
      const losses = [(await trainStep(c, params, opt, hb, 1e-2)).loss];
      const before = tf.memory().numTensors;
      for (let i = 0; i < 2; i++) losses.push((await trainStep(c, params, opt, hb, 1e-2)).loss);
      expect(tf.memory().numTensors).toBe(before);
      opt.dispose();
      disposeParams(params);
      return losses;
    };
    const gpu = await lossesOn('webgpu');
    const wasm = await lossesOn('wasm');
    releaseBackend();
    gpu.forEach((l, i) => expect(Math.abs(l - wasm[i])).toBeLessThan(1e-3 * Math.abs(wasm[i])));
  });
});
