// The MLM head's output bias set to the log-unigram of the training labels before the first step.
// From zeros, Adam moves the bias by at most lr per step while log-frequencies span ~10 nats, so the tied
// embeddings absorb token frequency instead (one direction of the table ends up holding most of its energy,
// and every position predicts the same token). Starting at the log-unigram puts step 0 on the unigram plateau.

import * as tf from '@tensorflow/tfjs';
import { unigramProb, type LabelCounts } from './baselines.js';
import type { Params } from './biglm.js';

/** Start value of rows that are never labels ([MASK], [BOS], [PAD], the rows padding the table to 128): probability 1e-9 each. */
const NEVER_A_LABEL = Math.log(1e-9);

/** log p_unigram(y) for every row of the output layer; the base vocabulary's probabilities sum to 1. */
export function logUnigramBias(counts: LabelCounts, rows: number): Float32Array {
  const bias = new Float32Array(rows);
  for (let y = 0; y < rows; y++) bias[y] = y < counts.vocabSize ? Math.log(unigramProb(counts, y)) : NEVER_A_LABEL;
  return bias;
}

export function setOutputBiasToLogUnigram(params: Params, counts: LabelCounts): void {
  const v = params.get('mlm_head.bias');
  if (!v) throw new Error("missing parameter 'mlm_head.bias'");
  const t = tf.tensor1d(logUnigramBias(counts, v.shape[0]));
  v.assign(t);
  t.dispose();
}
