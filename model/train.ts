// The training loop, linear like nanoGPT's train.py: backend, data, model, AdamW, then for each step:
// learning rate from the schedule, batch, loss and gradients, clipped update, metrics; held-out loss
// every evalEvery steps; checkpoints every checkpointEvery steps; --resume restarts from the newest
// checkpoint with the same data order, so the loss curve is identical to an uninterrupted run.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic, writeJsonAtomic } from '../lib/atomic.js';
import type { Logger } from '../lib/log.js';
import { initBackend, type BackendInfo } from './backend.js';
import { toTensors, type HostBatch } from './batch.js';
import { countParams, disposeParams, initParams, lossParts, type Params } from './biglm.js';
import { loadCheckpoint, loadOptimizerState, NonFiniteError, resolveCheckpointDir, resumablePosition, saveCheckpoint, type CheckpointConfig } from './checkpoint.js';
import { resolveModelConfig, type ModelConfig, type TrainConfig } from './config.js';
import { countTrainingLabels, unigramSummary } from './baselines.js';
import { ExampleLoader, tokenizerRef } from './data.js';
import { readExamplesManifest, type ReadableExamplesManifest } from '../formats/examples/manifest.js';
import { corpusNames, evalMetrics, evaluateHeldOut, formatEvalReport } from './eval.js';
import { setOutputBiasToLogUnigram } from './output-bias.js';
import { AdamW, globalNorm, nonFiniteCount } from './optim.js';
import { lossCurveSvg } from './plot.js';
import { learningRate } from './schedule.js';

export interface StepResult {
  loss: number;
  mlmLoss: number;
  lengthLoss: number;
  gradNorm: number;
  maskedTokens: number;
}

/**
 * One optimizer step on a host batch. Every tensor it creates is disposed before it returns. Async
 * because the numbers are read back with data(): a GPU backend (WebGPU) cannot read synchronously.
 */
export async function trainStep(c: ModelConfig, params: Params, opt: AdamW, hb: HostBatch, lr: number, dropoutSeed = 0): Promise<StepResult> {
  const bt = toTensors(hb, c.lengthClasses);
  let grads: tf.NamedTensorMap | undefined;
  let gradNorm: tf.Scalar | undefined;
  try {
    let parts: tf.Tensor | undefined;
    const vg = tf.variableGrads(() => {
      const p = lossParts(c, params, bt, { training: true, dropoutSeed });
      parts = tf.keep(tf.stack([p.total, p.mlm, p.length]));
      return p.total;
    }, [...params.values()]);
    grads = vg.grads;
    vg.value.dispose();
    gradNorm = globalNorm(grads);
    const badWeights = nonFiniteCount(params.values());
    const stats = tf.tidy(() => tf.concat([parts!, tf.reshape(gradNorm!, [1]), tf.reshape(badWeights, [1])]));
    tf.dispose([parts!, badWeights]);
    // The one read of the step, before the update: a non-finite gradient or weight never reaches the
    // parameters or the optimizer state (the update is then queued after it; on WASM nothing waits).
    const [loss, mlmLoss, lengthLoss, norm, nonFiniteWeights] = await stats.data();
    stats.dispose();
    if (nonFiniteWeights > 0) throw new NonFiniteError(`${nonFiniteWeights} weights are non-finite before the update; no update applied`);
    if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
      throw new NonFiniteError(`loss ${loss}, gradient norm ${norm}: not finite; no update applied (lower optim.lr, raise optim.warmupSteps, or check the data)`);
    }
    opt.apply(grads, lr, gradNorm).dispose();
    gradNorm = undefined; // apply returns the norm it was given: disposed just above
    return { loss, mlmLoss, lengthLoss, gradNorm: norm, maskedTokens: bt.maskedIdx.shape[0] };
  } finally {
    if (grads) tf.dispose(grads);
    gradNorm?.dispose();
    bt.dispose();
  }
}

export interface TrainOptions {
  resume?: boolean;
  /** Stop after this many completed steps (as if interrupted); the schedule still spans cfg.steps. */
  stopAfter?: number;
  log: Logger;
  /**
   * Writes the run's report.html once metrics.jsonl, loss.svg and the last checkpoint are written (the CLI
   * passes the run report's writer, which model/ does not import); no report without it.
   */
  writeReport?: (runDir: string, log: Logger) => Promise<unknown>;
}

export interface TrainResult {
  runDir: string;
  backend: BackendInfo;
  step: number;
  lastLoss: number;
  lastEvalLoss?: number;
  tokensPerSecond: number;
  params: number;
}

interface MetricLine {
  type: 'train' | 'eval';
  step: number;
  [k: string]: unknown;
}

async function readMetrics(file: string): Promise<MetricLine[]> {
  try {
    return (await fs.readFile(file, 'utf8'))
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as MetricLine);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Like with like: masked-token loss of training batches and of the held-out split, both without the length term, and the unigram line. */
async function writePlot(runDir: string, metrics: MetricLine[], title: string, unigramCE: number): Promise<void> {
  const train = metrics.filter((m) => m.type === 'train').map((m) => [m.step, m.mlm_loss as number] as [number, number]);
  const evals = metrics.filter((m) => m.type === 'eval');
  const last = Math.max(1, ...metrics.map((m) => m.step));
  const heldOutUnigram = evals.length ? (evals[evals.length - 1].unigram_ce as number) : unigramCE;
  const svg = lossCurveSvg(title, [
    { label: 'train MLM loss', color: '#1f77b4', points: train },
    { label: 'held-out MLM loss (all rows)', color: '#d62728', points: evals.map((m) => [m.step, m.eval_loss as number]) },
    { label: `unigram CE of the held-out positions (${heldOutUnigram.toFixed(2)})`, color: '#7f7f7f', points: [[0, heldOutUnigram], [last, heldOutUnigram]] },
  ]);
  await writeFileAtomic(path.join(runDir, 'loss.svg'), svg);
}

export async function train(cfg: TrainConfig, opts: TrainOptions): Promise<TrainResult> {
  const { log } = opts;
  const backend = await initBackend(cfg.backend, log);
  log.info(`backend: ${backend.detail}`);
  const manifest: ReadableExamplesManifest = await readExamplesManifest(cfg.examples);
  const model = resolveModelConfig({ ...cfg.model, vocabSize: manifest.tokenizer.embeddingSize, maxSeqLen: manifest.seqLen });
  const runDir = path.resolve(cfg.out);
  await fs.mkdir(runDir, { recursive: true });
  const metricsFile = path.join(runDir, 'metrics.jsonl');
  const ckptConfig: CheckpointConfig = {
    model,
    tokenizer: manifest.tokenizer,
    tokenizerRef: await tokenizerRef(cfg.examples, manifest),
    objective: manifest.objective,
    train: cfg,
  };

  // Label counts of the training split: the baselines every evaluation prints, and the output bias's init.
  const counts = countTrainingLabels(cfg.examples, manifest, log);
  const uni = unigramSummary(counts);
  log.info(`training labels: ${Math.round(counts.total)} masked tokens, unigram entropy ${uni.entropy.toFixed(3)} nats, most frequent label #${uni.top} (${(100 * uni.topShare).toFixed(1)} %)`);

  // Fresh start or resume.
  const existing = await resolveCheckpointDir(runDir);
  let params: Params;
  let startStep = 0;
  const trainData = new ExampleLoader({ dir: cfg.examples, manifest, split: 'train', seed: cfg.seed, shuffle: true, log });
  let opt: AdamW;
  if (opts.resume && existing) {
    const ck = await loadCheckpoint(existing);
    if (JSON.stringify(ck.config.model) !== JSON.stringify(model)) {
      throw new Error(`--resume: ${existing} was trained with a different model config; use another --out`);
    }
    params = ck.params;
    opt = new AdamW(params, cfg.optim);
    await loadOptimizerState(existing, model, opt);
    startStep = ck.state.step;
    trainData.position = resumablePosition(existing, ck.state);
    for (const [k, v] of Object.entries(ck.state.dropped)) trainData.dropped.set(k, v);
    // Lines logged after the checkpoint by the interrupted run will be logged again.
    const kept = (await readMetrics(metricsFile)).filter((m) => m.step <= startStep);
    await writeFileAtomic(metricsFile, kept.map((m) => JSON.stringify(m) + '\n').join(''));
    log.info(`resumed from ${existing} at step ${startStep}`);
  } else {
    if (existing) throw new Error(`${runDir} already holds checkpoints; pass --resume to continue, or choose another --out`);
    if (opts.resume) log.info(`--resume: no checkpoint in ${runDir} yet; starting from step 0`);
    params = initParams(model, cfg.seed);
    if (cfg.outputBiasInit === 'log-unigram') setOutputBiasToLogUnigram(params, counts);
    opt = new AdamW(params, cfg.optim);
    await writeFileAtomic(metricsFile, '');
  }
  await writeJsonAtomic(path.join(runDir, 'config.json'), { ...cfg, model, backend: backend.name, tokenizer: manifest.tokenizer });
  const nParams = countParams(params);
  log.info(`model: ${(nParams / 1e6).toFixed(2)}M parameters, ${model.nLayers}×${model.dModel}, ${model.nHeads} heads, ffn ${model.ffnWidth}, vocab ${model.vocabSize}, seqLen ${manifest.seqLen}`);
  const hasValid = manifest.valid_shards.length > 0;
  if (!hasValid) log.warn(`${cfg.examples}: no valid_shards in the manifest; held-out loss is not computed`);
  const corpora = hasValid ? corpusNames(cfg.examples, manifest) : [];

  const stopAt = Math.min(cfg.steps, opts.stopAfter ?? cfg.steps);
  const tokensPerStep = cfg.batchSize * manifest.seqLen;
  let lastLoss = NaN;
  let lastEval: number | undefined;
  let timedTokens = 0;
  let timedMs = 0;
  for (let step = startStep; step < stopAt; step++) {
    const lr = learningRate(step, cfg.steps, cfg.optim);
    const t0 = performance.now();
    const hb = trainData.nextBatch(cfg.batchSize);
    let r: StepResult;
    try {
      r = await trainStep(model, params, opt, hb, lr, cfg.seed * 1_000_003 + step);
    } catch (err) {
      if (err instanceof NonFiniteError) {
        const last = await resolveCheckpointDir(runDir);
        throw new NonFiniteError(`step ${step + 1}: ${err.message}; ${last ? `the last checkpoint, ${last}, is finite` : 'no checkpoint was written'}`);
      }
      throw err;
    }
    const ms = performance.now() - t0;
    if (step > startStep) {
      // The first step of a process includes kernel warm-up; leave it out of the throughput.
      timedTokens += tokensPerStep;
      timedMs += ms;
    }
    lastLoss = r.loss;
    const done = step + 1;
    const line: MetricLine = {
      type: 'train',
      step: done,
      loss: r.loss,
      mlm_loss: r.mlmLoss,
      length_loss: r.lengthLoss,
      lr,
      grad_norm: r.gradNorm,
      masked_tokens: r.maskedTokens,
      tokens: done * tokensPerStep,
      step_ms: Math.round(ms),
      tokens_per_s: Math.round(tokensPerStep / (ms / 1000)),
    };
    await fs.appendFile(metricsFile, JSON.stringify(line) + '\n');
    if (done % cfg.logEvery === 0 || done === startStep + 1 || done === stopAt) {
      log.info(`step ${done}/${cfg.steps} loss ${r.loss.toFixed(4)} (mlm ${r.mlmLoss.toFixed(4)}) lr ${lr.toExponential(2)} |g| ${r.gradNorm.toFixed(3)} ${Math.round(ms)} ms ${line.tokens_per_s} tok/s`);
    }
    if (hasValid && (done % cfg.evalEvery === 0 || done === cfg.steps)) {
      const ev = await evaluateHeldOut(model, params, { dir: cfg.examples, manifest, counts, batchSize: cfg.batchSize, log, corpora });
      lastEval = ev.loss;
      await fs.appendFile(metricsFile, JSON.stringify({ type: 'eval', step: done, tokens: done * tokensPerStep, ...evalMetrics(ev) }) + '\n');
      for (const l of formatEvalReport(ev)) log.info(`step ${done}: ${l.trimStart()}`);
    }
    if (done % cfg.checkpointEvery === 0 || done === cfg.steps) {
      const state = { step: done, loader: trainData.position, dropped: Object.fromEntries(trainData.dropped), backend: backend.name };
      const dir = await saveCheckpoint(runDir, ckptConfig, params, opt, state, cfg.keepCheckpoints);
      log.info(`checkpoint ${dir}`);
    }
  }
  await writePlot(runDir, await readMetrics(metricsFile), `biglm ${model.nLayers}×${model.dModel} on ${path.basename(path.resolve(cfg.examples))}`, uni.entropy);
  await opts.writeReport?.(runDir, log);
  for (const [reason, n] of trainData.dropped) log.warn(`${n} training rows skipped (${reason})`);
  const result: TrainResult = {
    runDir,
    backend,
    step: Math.max(startStep, stopAt),
    lastLoss,
    lastEvalLoss: lastEval,
    tokensPerSecond: timedMs > 0 ? timedTokens / (timedMs / 1000) : 0,
    params: nParams,
  };
  opt.dispose();
  disposeParams(params);
  return result;
}
