// Training throughput of the embedded trainer: tokens/s and step time for the tiny config and a
// 0.11B-shaped config (12 × 768) on every available backend, and the achieved FLOP/s as a fraction of
// the same backend's plain 2-D matmul FLOP/s measured in the same run. Batches are synthetic token ids
// with BiGLM-style masking (speed does not depend on the token values). Prints a table and JSON lines.
// What the trained model learned (held-out loss against the unigram, …) is bench/train-learning.ts.
//
//   node dist/bench/train.js [--backends webgpu,wasm,cpu] [--steps 3] [--skip-large]

import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../lib/rng.js';
import { initBackend, releaseBackend, type BackendChoice } from '../model/backend.js';
import { consoleLogger } from '../lib/log.js';
import type { HostBatch } from '../model/batch.js';
import { IGNORE_LABEL } from '../formats/examples/labels.js';
import { disposeParams, initParams } from '../model/biglm.js';
import { OptimConfigSchema, resolveModelConfig, rotaryDims, type ModelConfig } from '../model/config.js';
import { AdamW } from '../model/optim.js';
import { trainStep } from '../model/train.js';

interface Shape {
  name: string;
  model: ModelConfig;
  B: number;
  T: number;
}

/** Packed rows of two segments each, ~35 % of target and ~20 % of source tokens masked. */
function syntheticBatch(rng: Rng, B: number, T: number, vocab: number, maskId: number): HostBatch {
  const N = B * T;
  const hb: HostBatch = {
    B,
    T,
    inputIds: new Int32Array(N),
    labels: new Int32Array(N).fill(IGNORE_LABEL),
    segmentIds: new Int32Array(N),
    roles: new Uint8Array(N),
    lossWeights: new Float32Array(N),
    targetLengths: [],
  };
  const half = T / 2;
  for (let r = 0; r < B; r++) {
    const lens: number[] = [];
    for (let s = 0; s < 2; s++) {
      const split = Math.floor(half * (0.2 + 0.6 * rng.next()));
      lens.push(half - split);
      for (let i = 0; i < half; i++) {
        const k = r * T + s * half + i;
        const tok = rng.int(0, vocab);
        const target = i >= split;
        const masked = rng.next() < (target ? 0.35 : 0.2);
        hb.inputIds[k] = masked ? maskId : tok;
        hb.labels[k] = masked ? tok : IGNORE_LABEL;
        hb.lossWeights[k] = masked ? 1 : 0;
        hb.segmentIds[k] = s + 1;
        hb.roles[k] = target ? 2 : 1;
      }
    }
    hb.targetLengths.push(Int32Array.from(lens));
  }
  return hb;
}

/** Matmul FLOPs of one training step (forward ×3 for forward + backward), the usual estimate. */
function stepFlops(c: ModelConfig, B: number, T: number, masked: number, segments: number): number {
  const N = B * T;
  const C = c.dModel;
  const F = c.ffnWidth;
  const D = C / c.nHeads;
  const perLayer = 2 * N * C * (4 * C) + 2 * N * C * (3 * F) + 2 * 2 * B * c.nHeads * T * T * D + 2 * N * D * D * (rotaryDims(c) > 0 ? 2 * c.nHeads : 0);
  const head = 2 * masked * C * C + 2 * masked * C * c.vocabSize;
  const length = c.lengthClasses > 0 ? 2 * segments * N * C + 2 * segments * C * c.lengthClasses : 0;
  return 3 * (c.nLayers * perLayer + head + length);
}

/** Best plain 2-D matmul FLOP/s over a few sizes like the model's. */
async function matmulPeak(sizes: [number, number, number][]): Promise<{ flops: number; detail: string }> {
  let best = 0;
  const parts: string[] = [];
  for (const [m, k, n] of sizes) {
    const a = tf.randomNormal([m, k]);
    const b = tf.randomNormal([k, n]);
    const once = async () => {
      // Not inside tf.tidy: tidy would walk every element of the returned typed array. data(), not
      // dataSync(): WebGPU cannot read synchronously.
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
    };
    await once();
    let reps = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 1500 || reps < 2) {
      await once();
      reps++;
    }
    const f = (2 * m * k * n * reps) / ((performance.now() - t0) / 1000);
    parts.push(`${m}×${k}×${n}: ${(f / 1e9).toFixed(1)}`);
    best = Math.max(best, f);
    tf.dispose([a, b]);
  }
  return { flops: best, detail: parts.join(', ') };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backends: { type: 'string', default: 'auto,wasm,cpu' },
      'skip-tiny': { type: 'boolean', default: false },
      steps: { type: 'string', default: '4' },
      'skip-large': { type: 'boolean', default: false },
    },
  });
  const steps = Math.max(2, Number(values.steps));
  // make train's shape: the 2k sample vocabulary (2,048 + specials, padded to 2,176 rows), batch 16.
  const tiny = resolveModelConfig({ vocabSize: 2176, dModel: 64, nLayers: 2, nHeads: 2, maxSeqLen: 128, lengthClasses: 128 });
  // 12 × 768 blocks as the 0.11B upstream model, with the tiny config's 8k vocabulary: a 32k table's
  // Adam state and gradients pushed the WASM heap (4 GB address space) past what it could allocate,
  // and so did 4 rows of activations with the 8k one: one row of 128 tokens fits.
  const large = resolveModelConfig({ vocabSize: 8320, dModel: 768, nLayers: 12, nHeads: 12, maxSeqLen: 128, lengthClasses: 128 });
  const shapes: Shape[] = values['skip-tiny'] ? [] : [{ name: 'tiny 2×64 (configs/train-tiny.json)', model: tiny, B: 16, T: 128 }];
  if (!values['skip-large']) shapes.push({ name: '0.11B-shaped 12×768', model: large, B: 1, T: 128 });
  const rows: string[] = [];
  const seen = new Set<string>();
  for (const choice of values.backends.split(',') as BackendChoice[]) {
    let info;
    try {
      info = await initBackend(choice, consoleLogger());
    } catch (err) {
      process.stderr.write(`backend ${choice}: unavailable (${(err as Error).message})\n`);
      continue;
    }
    if (seen.has(info.name)) continue; // auto resolved to one we measure anyway
    seen.add(info.name);
    // The plain-matmul reference is measured right before and after each shape's steps and the higher
    // figure kept: on a shared machine the available CPU drifts, and the ratio must compare like with like.
    const measurePeak = async () => {
      const p = await matmulPeak([
        [2048, 128, 384],
        [1024, 1024, 1024],
        [512, 768, 3072],
      ]);
      process.stderr.write(`${info.detail}: plain matmul GFLOP/s ${p.detail}\n`);
      return p.flops;
    };
    for (const s of shapes) {
      const cpuSlow = info.name === 'cpu';
      const B = cpuSlow ? Math.max(1, s.B / 8) : s.B; // the pure-JS backend is ~50× slower: fewer rows
      if (cpuSlow && s.model.nLayers > 2) {
        process.stderr.write(`skip ${s.name} on cpu: minutes per step\n`);
        continue;
      }
      const peakBefore = await measurePeak();
      const params = initParams(s.model, 1);
      const opt = new AdamW(params, OptimConfigSchema.parse({}));
      const rng = new Rng(1, 'bench');
      const hbs = Array.from({ length: 2 }, () => syntheticBatch(rng, B, s.T, s.model.vocabSize - 128, s.model.vocabSize - 127));
      const n = cpuSlow ? 2 : steps;
      await trainStep(s.model, params, opt, hbs[0], 1e-4); // warm-up: kernels, XNNPACK operators
      const times: number[] = [];
      let masked = 0;
      for (let i = 0; i < n - 1; i++) {
        const t0 = performance.now();
        const r = await trainStep(s.model, params, opt, hbs[(i + 1) % 2], 1e-4);
        times.push(performance.now() - t0);
        masked += r.maskedTokens;
      }
      const ms = times.reduce((a, b) => a + b, 0) / times.length;
      const peak = { flops: Math.max(peakBefore, await measurePeak()) };
      const flops = stepFlops(s.model, B, s.T, masked / times.length, 2 * B);
      const achieved = flops / (ms / 1000);
      const result = {
        bench: 'train',
        backend: info.detail,
        shape: s.name,
        params_m: +(([...params.values()].reduce((a, v) => a + v.size, 0)) / 1e6).toFixed(1),
        batch: B,
        seq_len: s.T,
        steps_timed: times.length,
        step_ms: Math.round(ms),
        tokens_per_s: Math.round((B * s.T) / (ms / 1000)),
        gflop_per_step: +(flops / 1e9).toFixed(2),
        achieved_gflops: +(achieved / 1e9).toFixed(2),
        matmul_peak_gflops: +(peak.flops / 1e9).toFixed(2),
        ratio_of_matmul_peak: +(achieved / peak.flops).toFixed(3),
        peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
        tensor_mb: Math.round(tf.memory().numBytes / 2 ** 20),
      };
      console.log(JSON.stringify(result));
      rows.push(
        `| ${info.name} | ${s.name} | ${result.params_m}M | ${B}×${s.T} | ${result.step_ms} | ${result.tokens_per_s} | ${result.achieved_gflops} | ${result.matmul_peak_gflops} | ${(100 * result.ratio_of_matmul_peak).toFixed(0)} % | ${result.peak_rss_mb} |`,
      );
      opt.dispose();
      disposeParams(params);
    }
  }
  console.log('\n| backend | shape | params | batch | ms/step | tokens/s | achieved GFLOP/s | matmul GFLOP/s | ratio | peak RSS MB |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

main().then(releaseBackend, (err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
