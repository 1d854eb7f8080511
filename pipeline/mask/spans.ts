// BiGLM span masking of one region (the source or the target of a segment): exactly `budget` tokens,
// in non-overlapping spans of n = 1 … maxSpan tokens with P(n) ∝ 1/n.
//
// Upstream (Megatron's create_masked_lm_predictions) tries shuffled start positions and skips a span
// that overlaps an earlier one, so at high ratios it can fall short of its budget. We instead draw the
// span lengths first (the last one shrinks to the budget left) and then place them uniformly at random
// among the region's unmasked tokens — every arrangement of the spans and the gaps between them is equally
// likely. That always meets the budget exactly, keeps P(n) ∝ 1/n for every span but the shrunk last one,
// and costs O(region length) with no retries.

import type { Rng } from '../../lib/rng.js';

/** Cumulative P(n) ∝ 1/n for n = 1 … maxSpan (for 3: 6/11, 9/11, 1). */
export function spanCdf(maxSpan: number): Float64Array {
  const cdf = new Float64Array(maxSpan);
  let total = 0;
  for (let n = 1; n <= maxSpan; n++) total += 1 / n;
  let acc = 0;
  for (let n = 1; n <= maxSpan; n++) {
    acc += 1 / n / total;
    cdf[n - 1] = acc;
  }
  cdf[maxSpan - 1] = 1; // guard against rounding: every draw lands somewhere
  return cdf;
}

/** Scratch space for `placeSpans`, sized for regions of up to `capacity` tokens. */
export class SpanScratch {
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
  /** The length each span was drawn with, before a shrink (tests check the 1/n law on these). */
  readonly drawn: Int32Array;
  constructor(capacity: number) {
    this.starts = new Int32Array(capacity);
    this.lengths = new Int32Array(capacity);
    this.drawn = new Int32Array(capacity);
  }
}

/**
 * Choose `budget` of the `regionLength` tokens as spans. Writes span starts (relative to the region) and
 * lengths into `scratch`, in increasing start order, and returns how many spans there are.
 */
export function placeSpans(regionLength: number, budget: number, cdf: Float64Array, rng: Rng, scratch: SpanScratch): number {
  if (budget <= 0) return 0;
  if (budget > regionLength) throw new Error(`span budget ${budget} exceeds region length ${regionLength}`);
  const { starts, lengths, drawn } = scratch;

  // 1. Span lengths: i.i.d. from the 1/n law; a span shrinks when the budget left is smaller than n.
  let spans = 0;
  for (let left = budget; left > 0; ) {
    const u = rng.next();
    let n = 1;
    while (u >= cdf[n - 1]) n++;
    drawn[spans] = n;
    if (n > left) n = left;
    lengths[spans++] = n;
    left -= n;
  }
  // 2. Random order, so the shrunk span is not always the rightmost.
  for (let i = spans - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = lengths[i];
    lengths[i] = lengths[j];
    lengths[j] = t;
    const d = drawn[i];
    drawn[i] = drawn[j];
    drawn[j] = d;
  }
  // 3. Placement: the region is a sequence of `spans` span items and `regionLength − budget` free tokens;
  //    choose which items are spans by selection sampling (Knuth's algorithm S), uniform over arrangements.
  const items = spans + regionLength - budget;
  let chosen = 0;
  let pos = 0;
  for (let i = 0; i < items && chosen < spans; i++) {
    if (rng.next() * (items - i) < spans - chosen) {
      starts[chosen] = pos;
      pos += lengths[chosen];
      chosen++;
    } else {
      pos += 1;
    }
  }
  return spans;
}
