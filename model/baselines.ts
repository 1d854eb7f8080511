// What a model that ignores context would score on the same masked positions: label counts of the
// training split (one pass at start-up), turned into a unigram and a left-neighbour bigram model. The
// held-out loss means something only next to these: MLM first sits on the unigram plateau, predicting
// the most frequent tokens everywhere, and a loss above the unigram cross-entropy has learned nothing.

import * as path from 'node:path';
import type { Logger } from '../lib/log.js';
import { IGNORE_LABEL } from '../formats/examples/labels.js';
import { readShard } from './data.js';
import type { ReadableExamplesManifest } from '../formats/examples/manifest.js';

/** Context id of a masked position with no left neighbour in its segment. */
export const NO_LEFT = -1;
/** Dirichlet prior of the bigram model: how many unigram-distributed pseudo-counts each context gets. */
export const BIGRAM_PRIOR = 4;
/** Add-k smoothing of the unigram, so a token never seen as a label still has a finite cost. */
const UNIGRAM_K = 0.5;

export interface LabelCounts {
  /** Label ids range over [0, vocabSize): the base vocabulary. */
  vocabSize: number;
  /** Weighted count of each label at masked training positions. */
  unigram: Float64Array;
  total: number;
  /** (left neighbour as the model sees it: a token, [MASK], or NO_LEFT) → label → weighted count. */
  bigram: Map<number, Map<number, number>>;
  contextTotals: Map<number, number>;
  /** The most frequent label. */
  top: number;
}

/** The token the model sees left of flat position i, within i's segment. */
export function leftContext(inputIds: Int32Array, segmentIds: Int32Array, T: number, i: number): number {
  return i % T > 0 && segmentIds[i - 1] === segmentIds[i] ? inputIds[i - 1] : NO_LEFT;
}

/** Counts the labels of every training shard (rows read as the loader reads them; malformed ones skipped silently here, the loader warns). */
export function countTrainingLabels(dir: string, manifest: ReadableExamplesManifest, log: Logger): LabelCounts {
  const V = manifest.tokenizer.vocabSize;
  const T = manifest.seqLen;
  const counts: LabelCounts = { vocabSize: V, unigram: new Float64Array(V), total: 0, bigram: new Map(), contextTotals: new Map(), top: 0 };
  for (const ref of manifest.shards) {
    const s = readShard(path.resolve(dir, ref.path), T, { ...log, warn: () => {} }, new Map());
    addLabels(counts, s.inputIds, s.labels, s.segmentIds, s.lossWeights, T);
  }
  let top = 0;
  for (let y = 1; y < V; y++) if (counts.unigram[y] > counts.unigram[top]) top = y;
  counts.top = top;
  return counts;
}

export function addLabels(counts: LabelCounts, inputIds: Int32Array, labels: Int32Array, segmentIds: Int32Array, weights: Float32Array, T: number): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    const w = weights[i];
    if (y === IGNORE_LABEL || !(w > 0) || y < 0 || y >= counts.vocabSize) continue;
    counts.unigram[y] += w;
    counts.total += w;
    const x = leftContext(inputIds, segmentIds, T, i);
    let row = counts.bigram.get(x);
    if (!row) counts.bigram.set(x, (row = new Map()));
    row.set(y, (row.get(y) ?? 0) + w);
    counts.contextTotals.set(x, (counts.contextTotals.get(x) ?? 0) + w);
  }
}

export function unigramProb(c: LabelCounts, y: number): number {
  const n = y >= 0 && y < c.vocabSize ? c.unigram[y] : 0;
  return (n + UNIGRAM_K) / (c.total + UNIGRAM_K * c.vocabSize);
}

/** P(y | left neighbour x), Dirichlet-smoothed towards the unigram. */
export function bigramProb(c: LabelCounts, x: number, y: number): number {
  const n = c.bigram.get(x)?.get(y) ?? 0;
  const nx = c.contextTotals.get(x) ?? 0;
  return (n + BIGRAM_PRIOR * unigramProb(c, y)) / (nx + BIGRAM_PRIOR);
}

/** The unigram's own statistics (for a report): its entropy over the training labels and the top label's share. */
export function unigramSummary(c: LabelCounts): { entropy: number; top: number; topShare: number } {
  let h = 0;
  for (let y = 0; y < c.vocabSize; y++) if (c.unigram[y] > 0) h -= (c.unigram[y] / c.total) * Math.log(unigramProb(c, y));
  return { entropy: h, top: c.top, topShare: c.total > 0 ? c.unigram[c.top] / c.total : 0 };
}
