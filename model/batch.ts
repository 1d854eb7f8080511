// A batch on the host (typed arrays, one row per packed sequence) and its conversion to the tensors the
// model consumes: token ids, the prefix-LM attention bias derived from segment ids and roles, the flat
// indices of masked positions (the vocabulary projection runs only there), and the length-head inputs.

import * as tf from '@tensorflow/tfjs';
import { IGNORE_LABEL, ROLE_PAD, ROLE_SOURCE, ROLE_TARGET } from '../formats/examples/labels.js';

/** Additive attention bias for a forbidden pair: large enough that exp() underflows to exactly 0. */
const NEG = -1e9;

/** B rows of length T, flattened row-major. */
export interface HostBatch {
  B: number;
  T: number;
  inputIds: Int32Array; // [B*T]
  labels: Int32Array; // [B*T], IGNORE_LABEL where not masked
  segmentIds: Int32Array; // [B*T], 0 = pad
  roles: Uint8Array; // [B*T], 0 pad, 1 source, 2 target
  lossWeights: Float32Array; // [B*T], > 0 at masked positions
  targetLengths: Int32Array[]; // per row, per segment (index = segment id - 1)
}

export interface BatchTensors {
  B: number;
  T: number;
  ids: tf.Tensor1D; // [N] int32, N = B*T
  attnBias: tf.Tensor4D; // [B, 1, T, T] 0 where allowed, -1e9 where not
  rowValid: tf.Tensor2D; // [N, 1] 1 where the token attends to anything, else 0 (guards all-masked rows)
  maskedIdx: tf.Tensor1D; // [M] int32 flat positions with a label
  maskedLabels: tf.Tensor1D; // [M] int32
  maskedWeights: tf.Tensor1D; // [M] float32
  /** Length head inputs: mean-pool matrix over each segment's source and the target lengths. */
  pool?: tf.Tensor2D; // [S, N]
  lengthLabels?: tf.Tensor1D; // [S] int32
  dispose(): void;
}

/**
 * May token i attend to token j (same row)? Same non-pad segment, and either i is a target token
 * (sees its whole segment) or j is a source token (source sees only source).
 */
export function allowed(segI: number, roleI: number, segJ: number, roleJ: number): boolean {
  if (segI === 0 || segI !== segJ || roleI === ROLE_PAD || roleJ === ROLE_PAD) return false;
  return roleI === ROLE_TARGET || roleJ === ROLE_SOURCE;
}

/** The prefix-LM mask as an additive bias [B*T*T] and the per-token "attends to something" flag. */
export function prefixLmBias(b: HostBatch): { bias: Float32Array; rowValid: Float32Array } {
  const { B, T, segmentIds: seg, roles } = b;
  const bias = new Float32Array(B * T * T).fill(NEG);
  const rowValid = new Float32Array(B * T);
  for (let r = 0; r < B; r++) {
    const o = r * T;
    for (let i = 0; i < T; i++) {
      const si = seg[o + i];
      const ri = roles[o + i];
      if (si === 0 || ri === ROLE_PAD) continue;
      // Segments are contiguous runs: scan only this token's segment.
      let lo = i;
      while (lo > 0 && seg[o + lo - 1] === si) lo--;
      let hi = i;
      while (hi + 1 < T && seg[o + hi + 1] === si) hi++;
      const rowBase = (o + i) * T;
      for (let j = lo; j <= hi; j++) {
        if (allowed(si, ri, seg[o + j], roles[o + j])) {
          bias[rowBase + j] = 0;
          rowValid[o + i] = 1;
        }
      }
    }
  }
  return { bias, rowValid };
}

/**
 * Moves a host batch to tensors. With `lengthClasses > 0`, builds the length-head pooling matrix over
 * every segment that has source tokens and a positive target length (clamped to lengthClasses-1).
 */
export function toTensors(b: HostBatch, lengthClasses: number): BatchTensors {
  const { B, T } = b;
  const N = B * T;
  const { bias, rowValid } = prefixLmBias(b);
  const idx: number[] = [];
  const labels: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < N; i++) {
    if (b.labels[i] !== IGNORE_LABEL && b.lossWeights[i] > 0) {
      idx.push(i);
      labels.push(b.labels[i]);
      weights.push(b.lossWeights[i]);
    }
  }
  const t: BatchTensors = {
    B,
    T,
    ids: tf.tensor1d(b.inputIds, 'int32'),
    attnBias: tf.tensor4d(bias, [B, 1, T, T]),
    rowValid: tf.tensor2d(rowValid, [N, 1]),
    maskedIdx: tf.tensor1d(idx, 'int32'),
    maskedLabels: tf.tensor1d(labels, 'int32'),
    maskedWeights: tf.tensor1d(weights, 'float32'),
    dispose() {
      tf.dispose([this.ids, this.attnBias, this.rowValid, this.maskedIdx, this.maskedLabels, this.maskedWeights]);
      if (this.pool) tf.dispose([this.pool, this.lengthLabels!]);
    },
  };
  if (lengthClasses > 0) {
    const rowsOfPool: Float32Array[] = [];
    const lens: number[] = [];
    for (let r = 0; r < B; r++) {
      const lengths = b.targetLengths[r] ?? new Int32Array(0);
      for (let s = 0; s < lengths.length; s++) {
        if (lengths[s] <= 0) continue;
        const row = new Float32Array(N);
        let count = 0;
        for (let i = 0; i < T; i++) {
          const k = r * T + i;
          if (b.segmentIds[k] === s + 1 && b.roles[k] === ROLE_SOURCE) {
            row[k] = 1;
            count++;
          }
        }
        if (count === 0) continue;
        for (let i = 0; i < T; i++) row[r * T + i] /= count;
        rowsOfPool.push(row);
        lens.push(Math.min(lengths[s], lengthClasses - 1));
      }
    }
    if (lens.length > 0) {
      const pool = new Float32Array(lens.length * N);
      rowsOfPool.forEach((row, i) => pool.set(row, i * N));
      t.pool = tf.tensor2d(pool, [lens.length, N]);
      t.lengthLabels = tf.tensor1d(lens, 'int32');
    }
  }
  return t;
}
