// Held-out evaluation over every row of the validation split: masked-token loss and accuracy, split by
// source/target role and by source corpus, the share of the single most frequent prediction (a model on
// the unigram plateau predicts one token everywhere), the length head's accuracy, and next to them the
// unigram and left-neighbour-bigram cross-entropy of exactly the same positions (model/baselines.ts).

import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { tableFromIPC } from 'apache-arrow';
import type { Logger } from '../lib/log.js';
import { toTensors, type HostBatch } from './batch.js';
import { IGNORE_LABEL, ROLE_SOURCE, ROLE_TARGET } from '../formats/examples/labels.js';
import { bigramProb, leftContext, unigramProb, type LabelCounts } from './baselines.js';
import { encode, lengthLogits, mlmLogits, type Params } from './biglm.js';
import type { ModelConfig } from './config.js';
import { copyRow, emptyBatch, readShard } from './data.js';
import type { ReadableExamplesManifest } from '../formats/examples/manifest.js';
import { softmaxCrossEntropy } from './ops.js';

/** Sums over a set of masked positions (weighted by their loss weights). */
export interface Tally {
  positions: number;
  weight: number;
  loss: number; // Σ w·CE
  correct: number; // Σ w·[argmax = label]
  unigram: number; // Σ w·−log p_unigram(label)
  bigram: number; // Σ w·−log p_bigram(label | left neighbour)
  top1Unigram: number; // Σ w·[label = most frequent training label]
}

export interface Scores {
  positions: number;
  loss: number;
  accuracy: number;
  unigramCE: number;
  bigramCE: number;
  /** Accuracy of always predicting the most frequent training label. */
  top1UnigramAccuracy: number;
}

export interface EvalReport extends Scores {
  rows: number;
  source: Scores;
  target: Scores;
  byCorpus: Record<string, Scores>;
  /** The id predicted most often, and the share of positions it was predicted at. */
  topPrediction: { id: number; share: number };
  /** Length head: segments scored, accuracy of its argmax, mean CE (absent without a length head). */
  length?: { segments: number; accuracy: number; loss: number };
}

const emptyTally = (): Tally => ({ positions: 0, weight: 0, loss: 0, correct: 0, unigram: 0, bigram: 0, top1Unigram: 0 });

function scores(t: Tally): Scores {
  const d = t.weight || 1;
  return { positions: t.positions, loss: t.loss / d, accuracy: t.correct / d, unigramCE: t.unigram / d, bigramCE: t.bigram / d, top1UnigramAccuracy: t.top1Unigram / d };
}

/**
 * The corpus each held-out shard comes from: the `source` column of the token shard it was masked from
 * (one token shard per input file, so one corpus), else that shard's path, else the example shard's path.
 */
export function corpusNames(dir: string, manifest: ReadableExamplesManifest): string[] {
  const run = (manifest as { source?: { run?: unknown } }).source?.run;
  return manifest.valid_shards.map((ref) => {
    const from = (ref as { source?: unknown }).source;
    if (typeof from !== 'string') return ref.path;
    if (typeof run === 'string') {
      try {
        const col = tableFromIPC(readFileSync(path.resolve(dir, run, from))).getChild('source');
        const name = col && col.length > 0 ? col.get(0) : null;
        if (typeof name === 'string' && name) return name;
      } catch {
        // The prepared run moved or was deleted: the token shard's path still tells corpora apart.
      }
    }
    return from;
  });
}

interface BatchOutputs {
  ce: Float32Array; // [M]
  pred: Int32Array; // [M]
  lengthCorrect: number;
  lengthLoss: number;
  segments: number;
}

/** One forward pass: per-position CE and argmax at the masked positions, the length head's hits. One read-back. */
async function forward(c: ModelConfig, params: Params, hb: HostBatch): Promise<BatchOutputs> {
  const bt = toTensors(hb, c.lengthClasses);
  try {
    const M = bt.maskedIdx.shape[0];
    const S = bt.lengthLabels ? bt.lengthLabels.shape[0] : 0;
    const packed = tf.tidy(() => {
      const h = encode(c, params, bt); // [N, C]
      const logits = mlmLogits(c, params, tf.gather(h, bt.maskedIdx) as tf.Tensor2D); // [M, V]
      const parts: tf.Tensor[] = [softmaxCrossEntropy(logits, bt.maskedLabels), tf.cast(tf.argMax(logits, 1), 'float32')];
      if (S > 0 && bt.pool && bt.lengthLabels) {
        const ll = lengthLogits(params, h, bt.pool); // [S, classes]
        parts.push(tf.reshape(tf.sum(tf.cast(tf.equal(tf.argMax(ll, 1), bt.lengthLabels), 'float32')), [1]), tf.reshape(tf.sum(softmaxCrossEntropy(ll, bt.lengthLabels)), [1]));
      }
      return tf.concat(parts);
    });
    const v = (await packed.data()) as Float32Array;
    packed.dispose();
    return { ce: v.slice(0, M), pred: Int32Array.from(v.subarray(M, 2 * M)), lengthCorrect: S > 0 ? v[2 * M] : 0, lengthLoss: S > 0 ? v[2 * M + 1] : 0, segments: S };
  } finally {
    bt.dispose();
  }
}

export interface EvaluateOptions {
  dir: string;
  manifest: ReadableExamplesManifest;
  counts: LabelCounts;
  batchSize: number;
  log: Logger;
  /** Corpus name per valid shard (corpusNames()); computed when absent. */
  corpora?: string[];
}

/** Scores every held-out row once, in manifest order, batchSize rows per forward pass. */
export async function evaluateHeldOut(c: ModelConfig, params: Params, o: EvaluateOptions): Promise<EvalReport> {
  const T = o.manifest.seqLen;
  const corpora = o.corpora ?? corpusNames(o.dir, o.manifest);
  const all = emptyTally();
  const byRole = { [ROLE_SOURCE]: emptyTally(), [ROLE_TARGET]: emptyTally() } as Record<number, Tally>;
  const byCorpus: Record<string, Tally> = {};
  const predicted = new Map<number, number>();
  let rows = 0;
  let segments = 0;
  let lengthCorrect = 0;
  let lengthLoss = 0;
  const dropped = new Map<string, number>();
  for (let k = 0; k < o.manifest.valid_shards.length; k++) {
    const shard = readShard(path.resolve(o.dir, o.manifest.valid_shards[k].path), T, o.log, dropped);
    const corpus = (byCorpus[corpora[k]] ??= emptyTally());
    for (let start = 0; start < shard.rows; start += o.batchSize) {
      const B = Math.min(o.batchSize, shard.rows - start);
      const hb = emptyBatch(B, T);
      for (let r = 0; r < B; r++) copyRow(shard, start + r, hb, r);
      const out = await forward(c, params, hb);
      rows += B;
      segments += out.segments;
      lengthCorrect += out.lengthCorrect;
      lengthLoss += out.lengthLoss;
      // Masked positions in the order toTensors gathers them.
      let m = 0;
      for (let i = 0; i < B * T; i++) {
        const y = hb.labels[i];
        const w = hb.lossWeights[i];
        if (y === IGNORE_LABEL || !(w > 0)) continue;
        const pred = out.pred[m];
        const ce = out.ce[m++];
        predicted.set(pred, (predicted.get(pred) ?? 0) + 1);
        const uni = -Math.log(unigramProb(o.counts, y));
        const bi = -Math.log(bigramProb(o.counts, leftContext(hb.inputIds, hb.segmentIds, T, i), y));
        const hit = pred === y ? 1 : 0;
        for (const t of [all, corpus, byRole[hb.roles[i]]]) {
          if (!t) continue;
          t.positions++;
          t.weight += w;
          t.loss += w * ce;
          t.correct += w * hit;
          t.unigram += w * uni;
          t.bigram += w * bi;
          t.top1Unigram += y === o.counts.top ? w : 0;
        }
      }
    }
  }
  let topId = -1;
  let topN = 0;
  for (const [id, n] of predicted) if (n > topN || (n === topN && id < topId)) [topId, topN] = [id, n];
  const report: EvalReport = {
    rows,
    ...scores(all),
    source: scores(byRole[ROLE_SOURCE]),
    target: scores(byRole[ROLE_TARGET]),
    byCorpus: Object.fromEntries(Object.entries(byCorpus).map(([k, t]) => [k, scores(t)])),
    topPrediction: { id: topId, share: all.positions > 0 ? topN / all.positions : 0 },
  };
  if (c.lengthClasses > 0) report.length = { segments, accuracy: segments > 0 ? lengthCorrect / segments : 0, loss: segments > 0 ? lengthLoss / segments : 0 };
  return report;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const f3 = (x: number) => x.toFixed(3);

/** The report as lines a person reads: the model's figures next to the baselines of the same positions. */
export function formatEvalReport(r: EvalReport, describeToken: (id: number) => string = (id) => `#${id}`): string[] {
  const lines = [
    `held-out, all ${r.rows} rows, ${r.positions} masked tokens: loss ${f3(r.loss)} | unigram ${f3(r.unigramCE)} | bigram ${f3(r.bigramCE)} (${f3(r.loss - r.unigramCE)} vs unigram)`,
    `  accuracy ${pct(r.accuracy)} (always the top unigram: ${pct(r.top1UnigramAccuracy)}); source ${pct(r.source.accuracy)} / loss ${f3(r.source.loss)} (${r.source.positions}), target ${pct(r.target.accuracy)} / loss ${f3(r.target.loss)} (${r.target.positions})`,
    `  most frequent prediction ${describeToken(r.topPrediction.id)} at ${pct(r.topPrediction.share)} of positions` +
      (r.length ? `; length head ${pct(r.length.accuracy)} of ${r.length.segments} segments (CE ${f3(r.length.loss)})` : ''),
  ];
  for (const [name, s] of Object.entries(r.byCorpus)) {
    lines.push(`  ${name}: loss ${f3(s.loss)} | unigram ${f3(s.unigramCE)} | bigram ${f3(s.bigramCE)}, accuracy ${pct(s.accuracy)} (${s.positions} tokens)`);
  }
  return lines;
}

/** The report as flat metric keys for metrics.jsonl. */
export function evalMetrics(r: EvalReport): Record<string, number | Record<string, Scores>> {
  return {
    eval_loss: r.loss,
    eval_accuracy: r.accuracy,
    eval_positions: r.positions,
    eval_rows: r.rows,
    unigram_ce: r.unigramCE,
    bigram_ce: r.bigramCE,
    top1_unigram_accuracy: r.top1UnigramAccuracy,
    eval_source_loss: r.source.loss,
    eval_source_accuracy: r.source.accuracy,
    eval_target_loss: r.target.loss,
    eval_target_accuracy: r.target.accuracy,
    top_prediction: r.topPrediction.id,
    top_prediction_share: r.topPrediction.share,
    ...(r.length ? { eval_length_accuracy: r.length.accuracy, eval_length_loss: r.length.loss } : {}),
    eval_by_corpus: r.byCorpus,
  };
}
