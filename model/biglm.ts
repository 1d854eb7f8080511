// The BiGLM encoder, top to bottom: parameters, one transformer block (prefix-LM attention with rotary
// embeddings, SwiGLU feed-forward), the encoder, the MLM head tied to the embeddings, the length head,
// and the loss. Parameters are tf.Variables named PyTorch-style ("blocks.0.attn.qkv.weight");
// matrices are stored [in, out] here so every forward matmul is a plain x @ W (see ops.ts for why) and
// transposed to PyTorch's [out, in] only in checkpoints.

import * as tf from '@tensorflow/tfjs';
import { Rng } from '../lib/rng.js';
import type { BatchTensors } from './batch.js';
import { rotaryDims, type ModelConfig } from './config.js';
import { applyRotary, gelu, matmul, norm, rotaryTables, silu, softmaxCrossEntropy, type RotaryTables } from './ops.js';

export type Params = Map<string, tf.Variable>;

/** How a parameter is initialised and whether it gets weight decay and a checkpoint transpose. */
export interface ParamSpec {
  name: string;
  shape: number[];
  init: 'normal' | 'zeros' | 'ones';
  std?: number;
  /** A dense layer's matrix: [in, out] here, [out, in] in checkpoints. */
  linear?: boolean;
}

/** Every parameter of the model, in a fixed order (the order of init, checkpoints and the optimizer). */
export function paramSpecs(c: ModelConfig): ParamSpec[] {
  const C = c.dModel;
  const F = c.ffnWidth;
  const V = c.vocabSize;
  // GPT-2's scaled init for projections that add into the residual stream.
  const residStd = c.initStd / Math.sqrt(2 * c.nLayers);
  const normSpecs = (prefix: string): ParamSpec[] =>
    c.norm === 'layernorm'
      ? [
          { name: `${prefix}.weight`, shape: [C], init: 'ones' },
          { name: `${prefix}.bias`, shape: [C], init: 'zeros' },
        ]
      : [{ name: `${prefix}.weight`, shape: [C], init: 'ones' }];
  const specs: ParamSpec[] = [{ name: 'embed.weight', shape: [V, C], init: 'normal', std: c.initStd }];
  for (let l = 0; l < c.nLayers; l++) {
    const p = `blocks.${l}`;
    specs.push(
      ...normSpecs(`${p}.attn_norm`),
      { name: `${p}.attn.q.weight`, shape: [C, C], init: 'normal', std: c.initStd, linear: true },
      { name: `${p}.attn.k.weight`, shape: [C, C], init: 'normal', std: c.initStd, linear: true },
      { name: `${p}.attn.v.weight`, shape: [C, C], init: 'normal', std: c.initStd, linear: true },
      { name: `${p}.attn.o.weight`, shape: [C, C], init: 'normal', std: residStd, linear: true },
      ...normSpecs(`${p}.mlp_norm`),
      { name: `${p}.mlp.gate.weight`, shape: [C, F], init: 'normal', std: c.initStd, linear: true },
      { name: `${p}.mlp.up.weight`, shape: [C, F], init: 'normal', std: c.initStd, linear: true },
      { name: `${p}.mlp.down.weight`, shape: [F, C], init: 'normal', std: residStd, linear: true },
    );
  }
  specs.push(
    ...normSpecs('norm_f'),
    { name: 'mlm_head.dense.weight', shape: [C, C], init: 'normal', std: c.initStd, linear: true },
    { name: 'mlm_head.dense.bias', shape: [C], init: 'zeros' },
    ...normSpecs('mlm_head.norm'),
    { name: 'mlm_head.bias', shape: [V], init: 'zeros' },
  );
  if (c.lengthClasses > 0) {
    specs.push(
      { name: 'length_head.weight', shape: [C, c.lengthClasses], init: 'normal', std: c.initStd, linear: true },
      { name: 'length_head.bias', shape: [c.lengthClasses], init: 'zeros' },
    );
  }
  return specs;
}

/** tfjs variable names are global: suffix each model's with an instance number so models can coexist. */
let modelInstance = 0;

/** Fresh parameters; each tensor's values depend only on (seed, name), not on backend or order. */
export function initParams(c: ModelConfig, seed: number): Params {
  const params: Params = new Map();
  const instance = ++modelInstance;
  for (const s of paramSpecs(c)) {
    const value = tf.tidy(() => {
      if (s.init === 'zeros') return tf.zeros(s.shape);
      if (s.init === 'ones') return tf.ones(s.shape);
      const paramSeed = Math.floor(new Rng(seed, 'init', s.name).next() * 2 ** 31);
      return tf.truncatedNormal(s.shape, 0, s.std, 'float32', paramSeed);
    });
    params.set(s.name, tf.variable(value, true, `${s.name}#${instance}`));
    value.dispose();
  }
  return params;
}

/** Decoupled weight decay applies to matrices (embeddings included), not to norms or biases. */
export function decays(name: string, shape: readonly number[]): boolean {
  return shape.length >= 2 && !name.includes('norm');
}

function P(params: Params, name: string): tf.Variable {
  const v = params.get(name);
  if (!v) throw new Error(`missing parameter '${name}'`);
  return v;
}

function applyNorm(c: ModelConfig, params: Params, prefix: string, x: tf.Tensor2D): tf.Tensor2D {
  const bias = c.norm === 'layernorm' ? (P(params, `${prefix}.bias`) as tf.Tensor1D) : undefined;
  return norm(c.norm, x, P(params, `${prefix}.weight`) as tf.Tensor1D, bias, c.normEps);
}

export interface ForwardOptions {
  /** Dropout is applied only when training and config.dropout > 0, seeded from this value. */
  training?: boolean;
  dropoutSeed?: number;
}

function dropout(c: ModelConfig, x: tf.Tensor2D, opts: ForwardOptions, site: number): tf.Tensor2D {
  if (!opts.training || c.dropout === 0) return x;
  return tf.dropout(x, c.dropout, undefined, (opts.dropoutSeed ?? 0) * 1000 + site) as tf.Tensor2D;
}

/**
 * Multi-head self-attention under the prefix-LM mask. x [N, C] with N = B*T. The batched matmuls
 * are fast on WASM only thanks to the BatchMatMul override in backend.ts (per-head 2-D products).
 */
function attention(c: ModelConfig, params: Params, l: number, x: tf.Tensor2D, batch: BatchTensors, rope: RotaryTables): tf.Tensor2D {
  const { B, T } = batch;
  const H = c.nHeads;
  const D = c.dModel / H;
  const heads = (t: tf.Tensor) => tf.reshape(tf.transpose(t, [0, 2, 1, 3]), [B * H, T, D]); // [B*H, T, D]
  // One [N, C] × [C, 3C] product instead of three [C, C] ones (1.05× a whole tiny step on WASM, measured A/B);
  // the parameters stay separate, as checkpoints name them.
  const wqkv = tf.concat(['q', 'k', 'v'].map((n) => P(params, `blocks.${l}.attn.${n}.weight`)), 1) as tf.Tensor2D; // [C, 3C]
  const [qp, kp, vp] = tf.split(matmul(x, wqkv), 3, 1); // [N, C] each
  const proj = (t: tf.Tensor) => tf.reshape(t, [B, T, H, D]) as tf.Tensor4D; // [B, T, H, D]
  const q = heads(tf.mul(applyRotary(proj(qp), rope), 1 / Math.sqrt(D)));
  const k = heads(applyRotary(proj(kp), rope));
  const v = heads(proj(vp));
  const scores = tf.matMul(q, k, false, true); // [B*H, T, T]
  const probs = tf.softmax(tf.add(tf.reshape(scores, [B, H, T, T]), batch.attnBias)); // [B, H, T, T]
  const ctx = tf.matMul(tf.reshape(probs, [B * H, T, T]), v); // [B*H, T, D]
  const merged = tf.reshape(tf.transpose(tf.reshape(ctx, [B, H, T, D]), [0, 2, 1, 3]), [B * T, c.dModel]); // [N, C]
  // A token that may attend to nothing (padding) got a uniform softmax over forbidden keys: zero it.
  const guarded = tf.mul(merged, batch.rowValid) as tf.Tensor2D;
  return matmul(guarded, P(params, `blocks.${l}.attn.o.weight`) as tf.Tensor2D); // [N, C]
}

/** SwiGLU feed-forward: down(silu(x·gate) ⊙ x·up). x [N, C] → [N, C]. */
function mlp(params: Params, l: number, x: tf.Tensor2D): tf.Tensor2D {
  const w = tf.concat([P(params, `blocks.${l}.mlp.gate.weight`), P(params, `blocks.${l}.mlp.up.weight`)], 1) as tf.Tensor2D; // [C, 2F]
  const [gate, up] = tf.split(matmul(x, w), 2, 1) as [tf.Tensor2D, tf.Tensor2D]; // [N, F] each
  return matmul(tf.mul(silu(gate), up) as tf.Tensor2D, P(params, `blocks.${l}.mlp.down.weight`) as tf.Tensor2D);
}

/** The encoder: embeddings, pre-norm blocks, final norm. Returns hidden states [N, C]. Call inside tf.tidy. */
export function encode(c: ModelConfig, params: Params, batch: BatchTensors, opts: ForwardOptions = {}): tf.Tensor2D {
  if (batch.T > c.maxSeqLen) throw new Error(`sequence length ${batch.T} exceeds model.maxSeqLen ${c.maxSeqLen}`);
  const rope = rotaryTables(batch.T, c.dModel / c.nHeads, rotaryDims(c), c.rotaryBase);
  let x = tf.gather(P(params, 'embed.weight'), batch.ids) as tf.Tensor2D; // [N, C]
  for (let l = 0; l < c.nLayers; l++) {
    const a = attention(c, params, l, applyNorm(c, params, `blocks.${l}.attn_norm`, x), batch, rope);
    x = tf.add(x, dropout(c, a, opts, 2 * l));
    const m = mlp(params, l, applyNorm(c, params, `blocks.${l}.mlp_norm`, x));
    x = tf.add(x, dropout(c, m, opts, 2 * l + 1));
  }
  return applyNorm(c, params, 'norm_f', x);
}

/** MLM head on selected hidden states h [M, C] → logits [M, V]: dense, GeLU, norm, tied output + bias. */
export function mlmLogits(c: ModelConfig, params: Params, h: tf.Tensor2D): tf.Tensor2D {
  const dense = tf.add(matmul(h, P(params, 'mlm_head.dense.weight') as tf.Tensor2D), P(params, 'mlm_head.dense.bias'));
  const z = applyNorm(c, params, 'mlm_head.norm', gelu(dense) as tf.Tensor2D); // [M, C]
  const embT = tf.transpose(P(params, 'embed.weight')) as tf.Tensor2D; // [C, V]
  return tf.add(matmul(z, embT), P(params, 'mlm_head.bias')) as tf.Tensor2D; // [M, V]
}

/** Length head: mean-pool over each segment's source (pool [S, N]) → logits [S, lengthClasses]. */
export function lengthLogits(params: Params, h: tf.Tensor2D, pool: tf.Tensor2D): tf.Tensor2D {
  const pooled = matmul(pool, h); // [S, C]
  return tf.add(matmul(pooled, P(params, 'length_head.weight') as tf.Tensor2D), P(params, 'length_head.bias')) as tf.Tensor2D;
}

export interface LossParts {
  /** mlm + lengthLossWeight · length: what is optimized. */
  total: tf.Scalar;
  /** sum(CE·w)/sum(w) over masked positions. */
  mlm: tf.Scalar;
  /** Mean length-head CE (0 without a length head or without eligible segments). */
  length: tf.Scalar;
}

/** The loss. The vocabulary projection runs only at the masked positions (gathered first). */
export function lossParts(c: ModelConfig, params: Params, batch: BatchTensors, opts: ForwardOptions = {}): LossParts {
  const h = encode(c, params, batch, opts); // [N, C]
  const hm = tf.gather(h, batch.maskedIdx) as tf.Tensor2D; // [M, C]
  const ce = softmaxCrossEntropy(mlmLogits(c, params, hm), batch.maskedLabels); // [M]
  // max(sum w, tiny) keeps a batch without masked tokens at loss 0 instead of NaN.
  const mlm = tf.div(tf.sum(tf.mul(ce, batch.maskedWeights)), tf.maximum(tf.sum(batch.maskedWeights), 1e-9)) as tf.Scalar;
  let length = tf.scalar(0);
  if (c.lengthClasses > 0 && batch.pool && batch.lengthLabels) {
    length = tf.mean(softmaxCrossEntropy(lengthLogits(params, h, batch.pool), batch.lengthLabels)) as tf.Scalar;
  }
  const total = (c.lengthClasses > 0 ? tf.add(mlm, tf.mul(length, c.lengthLossWeight)) : mlm) as tf.Scalar;
  return { total, mlm, length };
}

/** Parameters from stored values (a checkpoint), checked against the config's shapes. */
export function paramsFromArrays(c: ModelConfig, values: Map<string, Float32Array>): Params {
  const params: Params = new Map();
  const instance = ++modelInstance;
  for (const s of paramSpecs(c)) {
    const data = values.get(s.name);
    if (!data) throw new Error(`checkpoint lacks parameter '${s.name}'`);
    const t = tf.tensor(data, s.shape, 'float32');
    params.set(s.name, tf.variable(t, true, `${s.name}#${instance}`));
    t.dispose();
  }
  return params;
}

export function disposeParams(params: Params): void {
  tf.dispose([...params.values()]);
}

export function countParams(params: Params): number {
  let n = 0;
  for (const v of params.values()) n += v.size;
  return n;
}
