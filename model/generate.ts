// Mask-predict generation (Ghazvininejad et al. 2019, as BiGLM uses it): for each candidate length,
// build [BOS] source [BOS] [MASK]×len [EOS] under the prefix-LM mask, predict every masked token,
// then T−1 times re-mask the least confident target tokens and predict them again; keep the candidate
// with the best average log-probability. Lengths come from the length head's top-k or are given.

import * as tf from '@tensorflow/tfjs';
import { toTensors, type HostBatch } from './batch.js';
import { ROLE_SOURCE, ROLE_TARGET } from '../formats/examples/labels.js';
import { encode, lengthLogits, mlmLogits, type Params } from './biglm.js';
import type { ModelConfig } from './config.js';

export interface GenerateOptions {
  /** Target length; without it the length head proposes `beam` lengths. */
  length?: number;
  /** Refinement iterations T (10 upstream). */
  iterations: number;
  /** Candidate lengths tried (top-k of the length head; 3 upstream). */
  beam: number;
}

export interface TokenSpecials {
  mask: number;
  bos: number;
  /** Predictions are limited to the base vocabulary [0, vocabSize): no specials, no table padding. */
  vocabSize: number;
  eos: number;
}

export interface Candidate {
  length: number;
  /** Generated target tokens (EOS excluded). */
  tokens: number[];
  avgLogProb: number;
  /** The target after each iteration, re-masked positions as -1 (what mask-predict hands the next one). */
  steps: number[][];
}

export interface GenerateResult {
  best: Candidate;
  candidates: Candidate[];
}

/** One row: [BOS] source [BOS] [MASK]×len [EOS]; the two BOS and the source are role source. */
function template(source: number[], len: number, sp: TokenSpecials): HostBatch {
  const ids = [sp.bos, ...source, sp.bos, ...new Array<number>(len).fill(sp.mask), sp.eos];
  const T = ids.length;
  const nSource = source.length + 2;
  return {
    B: 1,
    T,
    inputIds: Int32Array.from(ids),
    labels: new Int32Array(T).fill(-100),
    segmentIds: new Int32Array(T).fill(1),
    roles: Uint8Array.from(ids, (_, i) => (i < nSource ? ROLE_SOURCE : ROLE_TARGET)),
    lossWeights: new Float32Array(T),
    targetLengths: [Int32Array.of(len)],
  };
}

/** Log-probabilities [T, vocabSize] of every position of a host batch row, specials excluded. */
async function positionLogProbs(c: ModelConfig, params: Params, hb: HostBatch, vocabSize: number): Promise<Float32Array> {
  const bt = toTensors(hb, 0);
  const out = tf.tidy(() => {
    const h = encode(c, params, bt); // [T, C]
    const logits = tf.slice(mlmLogits(c, params, h), [0, 0], [hb.T, vocabSize]); // [T, V']
    return tf.logSoftmax(logits);
  });
  const data = (await out.data()) as Float32Array;
  out.dispose();
  bt.dispose();
  return data;
}

/** Top-k target lengths (≥ 1) from the length head, pooled over the source of the template. */
export async function predictLengths(c: ModelConfig, params: Params, source: number[], sp: TokenSpecials, k: number): Promise<number[]> {
  if (c.lengthClasses === 0) throw new Error('this model has no length head (model.lengthClasses = 0); pass --length');
  const hb = template(source, 1, sp);
  const bt = toTensors(hb, c.lengthClasses);
  const nSource = source.length + 2;
  const pool = tf.tensor2d(Float32Array.from({ length: hb.T }, (_, i) => (i < nSource ? 1 / nSource : 0)), [1, hb.T]);
  const logits = tf.tidy(() => lengthLogits(params, encode(c, params, bt), pool));
  const scores = Array.from(await logits.data());
  tf.dispose([logits, pool]);
  bt.dispose();
  const maxLen = c.maxSeqLen - nSource - 1;
  return scores
    .map((s, len) => ({ s, len }))
    .filter(({ len }) => len >= 1 && len <= maxLen)
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map(({ len }) => len);
}

/** Mask-predict for one target length. */
export async function maskPredict(c: ModelConfig, params: Params, source: number[], len: number, sp: TokenSpecials, iterations: number): Promise<Candidate> {
  const hb = template(source, len, sp);
  if (hb.T > c.maxSeqLen) throw new Error(`prompt (${source.length} tokens) + length ${len} + 3 exceeds the model's seqLen ${c.maxSeqLen}`);
  const start = source.length + 2;
  const V = sp.vocabSize;
  const tokens = new Int32Array(len);
  const conf = new Float64Array(len); // log-probability of each current prediction
  let masked = Array.from({ length: len }, (_, i) => i);
  const steps: number[][] = [];
  for (let it = 0; it < Math.max(1, iterations); it++) {
    const logp = await positionLogProbs(c, params, hb, V);
    for (const i of masked) {
      const row = (start + i) * V;
      let best = 0;
      for (let v = 1; v < V; v++) if (logp[row + v] > logp[row + best]) best = v;
      tokens[i] = best;
      conf[i] = logp[row + best];
      hb.inputIds[start + i] = best;
    }
    const n = Math.floor(len * (1 - (it + 1) / iterations));
    if (n <= 0) {
      steps.push(Array.from(tokens));
      break;
    }
    // Re-mask the n least confident target tokens (ties: earlier position first, deterministic).
    masked = Array.from({ length: len }, (_, i) => i)
      .sort((a, b) => conf[a] - conf[b] || a - b)
      .slice(0, n);
    for (const i of masked) hb.inputIds[start + i] = sp.mask;
    steps.push(Array.from(tokens, (t, i) => (masked.includes(i) ? -1 : t)));
  }
  const avgLogProb = conf.reduce((a, b) => a + b, 0) / Math.max(1, len);
  return { length: len, tokens: Array.from(tokens), avgLogProb, steps };
}

/** Async because results are read back with data(): a GPU backend (WebGPU) cannot read synchronously. */
export async function generate(c: ModelConfig, params: Params, source: number[], sp: TokenSpecials, opts: GenerateOptions): Promise<GenerateResult> {
  const lengths = opts.length !== undefined ? [opts.length] : await predictLengths(c, params, source, sp, opts.beam);
  if (lengths.length === 0) throw new Error('no target length fits: the prompt fills the model\'s seqLen');
  const candidates: Candidate[] = [];
  for (const len of lengths) candidates.push(await maskPredict(c, params, source, len, sp, opts.iterations));
  const best = candidates.reduce((a, b) => (b.avgLogProb > a.avgLogProb ? b : a));
  return { best, candidates };
}
