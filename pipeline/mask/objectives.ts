// Masking of one packed segment for each objective (BiGLM, BERT MLM, masked diffusion), writing straight
// into the row's output columns. The rules are BiGLM's (the authors' Megatron-DeepSpeed code); docs/masking.md
// states them and explains the choices the paper and code leave open.
//
// A segment is [BOS]? content [EOS]?: the piece of one document that landed in this row (a document cut at a
// row boundary has no EOS in its first piece and no BOS in the next). BOS/EOS are never masked and do not
// count in L. For BiGLM, BOS is a source token (everything in the segment may attend to it) and EOS a target
// token (it attends to the whole segment, as the trailing EOS does in mask-predict generation).

import type { Rng } from '../../lib/rng.js';
import type { MaskConfig } from './config.js';
import { IGNORE_LABEL, ROLE_SOURCE, ROLE_TARGET } from '../../formats/examples/labels.js';
import type { RowColumns } from '../../formats/examples/shard.js';
import { placeSpans, spanCdf, SpanScratch } from './spans.js';

export interface TokenIds {
  vocabSize: number;
  eosId: number;
  mask: number;
}

/** What a test may want to see of one BiGLM segment; collected only when `SegmentMasker.trace` is set. */
export interface SegmentTrace {
  /** Content length (BOS/EOS excluded). */
  L: number;
  /** Split point; 0 for short segments and non-BiGLM objectives. */
  s: number;
  /** Target ratio r (BiGLM) or masking probability t (diffusion); NaN when not drawn. */
  r: number;
  sourceMasked: number;
  targetMasked: number;
  /** Spans as [start (row position), length, region 1 = source / 2 = target, length drawn before a shrink]. */
  spans: [number, number, number, number][];
}

/** Integer ceiling of a product that should be exact (0.2·15 is 3.0000000000000004 in floating point). */
function ceilFraction(x: number): number {
  return Math.ceil(x - 1e-9);
}

export class SegmentMasker {
  /** Set to an array to record every segment (tests); left undefined on the hot path. */
  trace: SegmentTrace[] | undefined;
  /** Outputs of the last `mask` call. */
  targetLength = 0;
  masked = 0;

  private readonly cdf: Float64Array;
  private readonly scratch: SpanScratch;

  constructor(
    private readonly config: MaskConfig,
    private readonly ids: TokenIds,
  ) {
    this.cdf = spanCdf(config.biglm.maxSpan);
    this.scratch = new SpanScratch(config.seqLen);
  }

  /**
   * Mask the segment occupying row positions [start, start + length) of `tokens` (the row's original ids),
   * with segment id `segmentId`. Sets `targetLength` and `masked`.
   */
  mask(tokens: Int32Array, out: RowColumns, start: number, length: number, hasBos: boolean, hasEos: boolean, segmentId: number, rng: Rng): void {
    const end = start + length;
    for (let p = start; p < end; p++) {
      out.inputIds[p] = tokens[p];
      out.labels[p] = IGNORE_LABEL;
      out.segmentIds[p] = segmentId;
      out.lossWeights[p] = 0;
    }
    const c0 = start + (hasBos ? 1 : 0);
    const L = length - (hasBos ? 1 : 0) - (hasEos ? 1 : 0);
    this.targetLength = 0;
    this.masked = 0;
    switch (this.config.objective) {
      case 'biglm':
        this.maskBiglm(tokens, out, start, end, c0, L, rng);
        break;
      case 'bert':
        out.roles.fill(ROLE_TARGET, start, end);
        this.maskBert(tokens, out, c0, L, rng);
        break;
      case 'diffusion':
        out.roles.fill(ROLE_TARGET, start, end);
        this.maskDiffusion(tokens, out, c0, L, rng);
        break;
    }
  }

  private maskBiglm(tokens: Int32Array, out: RowColumns, start: number, end: number, c0: number, L: number, rng: Rng): void {
    const cfg = this.config.biglm;
    if (L < this.config.minMaskedSegment) {
      // Too short to split: kept whole and unmasked, attending only to itself.
      out.roles.fill(ROLE_SOURCE, start, end);
      this.trace?.push({ L, s: 0, r: Number.NaN, sourceMasked: 0, targetMasked: 0, spans: [] });
      return;
    }
    const lo = ceilFraction(cfg.splitLow * L);
    const hi = Math.max(lo + 1, ceilFraction(cfg.splitHigh * L));
    const s = Math.min(rng.int(lo, hi), L - 1); // at least one target token
    const r = rng.next();
    const targetLength = L - s;
    const targetBudget = Math.min(targetLength, Math.max(cfg.minTargetMasked, Math.round(r * targetLength)));
    const sourceRatio =
      cfg.sourceRatio === 'adaptive' ? cfg.sourceBase - cfg.sourceSlope * r : cfg.sourceRatio === 'fixed' ? cfg.sourceFixed : 0;
    const sourceBudget = Math.min(s, Math.max(0, Math.round(sourceRatio * s)));

    // Roles: BOS and the first s content tokens are source; the rest (EOS included) target.
    out.roles.fill(ROLE_SOURCE, start, c0 + s);
    out.roles.fill(ROLE_TARGET, c0 + s, end);

    const trace = this.trace ? { L, s, r, sourceMasked: sourceBudget, targetMasked: targetBudget, spans: [] as [number, number, number, number][] } : undefined;
    this.maskSpans(tokens, out, c0, s, sourceBudget, rng, trace, ROLE_SOURCE);
    this.maskSpans(tokens, out, c0 + s, targetLength, targetBudget, rng, trace, ROLE_TARGET);
    if (trace) this.trace!.push(trace);
    this.targetLength = targetLength;
    this.masked = sourceBudget + targetBudget;
  }

  private maskSpans(tokens: Int32Array, out: RowColumns, regionStart: number, regionLength: number, budget: number, rng: Rng, trace: SegmentTrace | undefined, region: number): void {
    const count = placeSpans(regionLength, budget, this.cdf, rng, this.scratch);
    const { starts, lengths, drawn } = this.scratch;
    const mask = this.ids.mask;
    for (let k = 0; k < count; k++) {
      const a = regionStart + starts[k];
      const b = a + lengths[k];
      for (let p = a; p < b; p++) {
        out.inputIds[p] = mask; // every chosen token becomes [MASK]: no 80/10/10 in BiGLM
        out.labels[p] = tokens[p];
        out.lossWeights[p] = 1;
      }
      trace?.spans.push([a, lengths[k], region, drawn[k]]);
    }
  }

  private maskBert(tokens: Int32Array, out: RowColumns, c0: number, L: number, rng: Rng): void {
    const { maskProb, replaceMask, replaceRandom } = this.config.bert;
    const { vocabSize, eosId, mask } = this.ids;
    let masked = 0;
    for (let p = c0; p < c0 + L; p++) {
      if (rng.next() >= maskProb) continue;
      masked++;
      out.labels[p] = tokens[p];
      out.lossWeights[p] = 1;
      const u = rng.next();
      if (u < replaceMask) {
        out.inputIds[p] = mask;
      } else if (u < replaceMask + replaceRandom) {
        let t = rng.int(0, vocabSize);
        while (t === eosId) t = rng.int(0, vocabSize);
        out.inputIds[p] = t;
      } // else: keep the original token
    }
    this.masked = masked;
    this.trace?.push({ L, s: 0, r: Number.NaN, sourceMasked: 0, targetMasked: masked, spans: [] });
  }

  private maskDiffusion(tokens: Int32Array, out: RowColumns, c0: number, L: number, rng: Rng): void {
    const minT = this.config.diffusion.minT;
    const t = minT + (1 - minT) * rng.next();
    const weight = Math.fround(1 / t);
    const mask = this.ids.mask;
    let masked = 0;
    for (let p = c0; p < c0 + L; p++) {
      if (rng.next() >= t) continue;
      masked++;
      out.inputIds[p] = mask;
      out.labels[p] = tokens[p];
      out.lossWeights[p] = weight;
    }
    this.masked = masked;
    this.trace?.push({ L, s: 0, r: t, sourceMasked: 0, targetMasked: masked, spans: [] });
  }
}
