// Building blocks shared by the model: the fast-path matmul, norms, GeLU, rotary embeddings.
// Why a custom matmul: on the WASM backend only plain (non-transposed, 2-D) matmuls run fast
// (~20-30 GFLOP/s); tf.matMul's stock gradient uses transposed matmuls (~2 GFLOP/s). Doing the
// transposes explicitly keeps the backward pass on the fast path (measured in docs/training.md, Backends).

import * as tf from '@tensorflow/tfjs';

/** a @ b for 2-D a [M, K], b [K, N]; backward: dA = dY @ bᵀ, dB = aᵀ @ dY with explicit transposes. */
const matmulWithFastGrad = tf.customGrad(((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor2D[];
      const dy2 = dy as tf.Tensor2D;
      // The transposes are freed as soon as they are used (not at the end of the backward pass): a
      // transposed weight and XNNPACK's packed copy of it would otherwise live on for every layer.
      const bT = tf.transpose(sb);
      const da = tf.matMul(dy2, bT);
      bT.dispose();
      const aT = tf.transpose(sa);
      const db = tf.matMul(aT, dy2);
      aT.dispose();
      return [da, db];
    },
  };
  // tfjs types the custom function as variadic (...inputs, save); ours has a fixed arity.
}) as unknown as Parameters<typeof tf.customGrad>[0]);

export function matmul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return matmulWithFastGrad(a, b) as tf.Tensor2D;
}

export type NormKind = 'layernorm' | 'rmsnorm';

/** Normalizes the last axis. x [N, C]; weight [C]; bias [C] (LayerNorm only). */
export function norm(kind: NormKind, x: tf.Tensor2D, weight: tf.Tensor1D, bias: tf.Tensor1D | undefined, eps: number): tf.Tensor2D {
  if (kind === 'rmsnorm') {
    const ms = tf.mean(tf.square(x), -1, true); // [N, 1]
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(ms, eps))), weight);
  }
  const { mean, variance } = tf.moments(x, -1, true); // [N, 1] each
  const y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(y, weight), bias!);
}

/** GeLU, tanh approximation (as in BERT/GPT-2 code): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

/** SiLU (swish): x·σ(x). */
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/**
 * Rotary embedding tables for head size D with the first r dimensions rotated (NeoX layout: the two
 * halves of the rotated part pair up). rope(x) = x·cos + (x @ rot)·sin, where rot is a fixed signed
 * permutation [D, D] (rotate-half) and cos/sin [T, 1, D] hold 1/0 on the dimensions that pass through.
 * Expressing rotate-half as a small matmul avoids slice/concat kernels, slow on WASM.
 */
export interface RotaryTables {
  cos: tf.Tensor3D; // [T, 1, D]
  sin: tf.Tensor3D; // [T, 1, D]
  rot: tf.Tensor2D; // [D, D]
  r: number;
}

export function rotaryTables(T: number, D: number, r: number, base: number): RotaryTables {
  const half = r / 2;
  const cos = new Float32Array(T * D).fill(1);
  const sin = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const angle = t / Math.pow(base, (2 * i) / r);
      cos[t * D + i] = cos[t * D + i + half] = Math.cos(angle);
      sin[t * D + i] = sin[t * D + i + half] = Math.sin(angle);
    }
  }
  // (x @ rot)[i] = -x[i + half] for i < half; x[i - half] for half <= i < r; 0 beyond r.
  const rot = new Float32Array(D * D);
  for (let i = 0; i < half; i++) {
    rot[(i + half) * D + i] = -1;
    rot[i * D + i + half] = 1;
  }
  return { cos: tf.tensor3d(cos, [T, 1, D]), sin: tf.tensor3d(sin, [T, 1, D]), rot: tf.tensor2d(rot, [D, D]), r };
}

/** Applies rotary embeddings to x [B, T, H, D]; positions are the indices in the packed sequence. */
export function applyRotary(x: tf.Tensor4D, t: RotaryTables): tf.Tensor4D {
  if (t.r === 0) return x;
  const [B, T, H, D] = x.shape;
  const rotated = tf.reshape(matmul(tf.reshape(x, [B * T * H, D]) as tf.Tensor2D, t.rot), [B, T, H, D]); // rotate-half(x)
  return tf.add(tf.mul(x, t.cos), tf.mul(rotated, t.sin)) as tf.Tensor4D;
}

/**
 * Softmax cross-entropy per row with a hand-written gradient: logits [M, K], labels [M] → [M].
 * The forward pass keeps the probabilities, so the backward pass is (p − onehot)·dy without a second
 * exp over the [M, V] logits (exp is among the slowest WASM kernels at this size).
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  const [M, K] = logits.shape;
  const f = tf.customGrad(((lg: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const m = tf.max(lg, 1, true); // [M, 1]
    const e = tf.exp(tf.sub(lg, m)); // [M, K]
    const s = tf.sum(e, 1, true); // [M, 1]
    const probs = tf.div(e, s); // [M, K]
    const flat = tf.add(tf.mul(tf.range(0, M, 1, 'int32'), tf.scalar(K, 'int32')), labels); // [M] index of each label
    const picked = tf.gather(tf.reshape(lg, [M * K]), flat); // [M]
    const ce = tf.sub(tf.reshape(tf.add(tf.log(s), m), [M]), picked); // [M]
    save([probs]);
    return {
      value: ce,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(tf.sub(saved[0], tf.oneHot(labels, K)), tf.reshape(dy, [M, 1]))],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(logits) as tf.Tensor1D;
}
