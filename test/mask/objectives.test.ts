// Masking statistics on real text: every rule of the BiGLM masking spec (docs/masking.md) checked on > 10,000
// segments of the Brown corpus. Checks count violations in plain loops and assert once (fast).

import { beforeAll, describe, expect, it } from 'vitest';
import { IGNORE_LABEL, ROLE_PAD, ROLE_SOURCE, ROLE_TARGET } from '../../formats/examples/labels.js';
import { brownParagraphs, gpt2Encoding, tokenizeDocs } from './fixtures.js';
import { maskDocs, type MaskedRows } from './masking.js';

// ~1M real tokens packed into rows of 128: well over 10,000 segments.
let docs: Uint32Array[];
const enc = gpt2Encoding();

beforeAll(() => {
  docs = tokenizeDocs(brownParagraphs(260));
});

const near = (actual: number, expected: number, tolerance: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance);

describe('BiGLM masking on real text (≥ 10,000 segments)', () => {
  let m: MaskedRows;
  beforeAll(() => {
    m = maskDocs(docs, enc.vocabSize, enc.eosId, { objective: 'biglm', seqLen: 128, seed: 7 });
  });
  const masked = () => m.segments.filter((s) => s.trace.L >= 12);

  it('has at least 10,000 masked segments', () => {
    expect(masked().length).toBeGreaterThanOrEqual(10_000);
  });

  it('draws split points inside [0.2·L, 0.8·L), reaching both ends', () => {
    let outside = 0;
    let low = 0;
    let high = 0;
    for (const { trace } of masked()) {
      const { L, s } = trace;
      if (s < 0.2 * L - 1e-9 || s >= 0.8 * L - 1e-9) outside++;
      if (s === Math.ceil(0.2 * L - 1e-9)) low++;
      if (s === Math.ceil(0.8 * L - 1e-9) - 1) high++;
    }
    expect(outside).toBe(0);
    expect(low).toBeGreaterThan(100);
    expect(high).toBeGreaterThan(100);
  });

  it('masks max(1, round(r·L_target)) target tokens, 0.5 of the target on average', () => {
    let wrong = 0;
    let sum = 0;
    for (const { trace } of masked()) {
      const lt = trace.L - trace.s;
      if (trace.targetMasked !== Math.min(lt, Math.max(1, Math.round(trace.r * lt)))) wrong++;
      sum += trace.targetMasked / lt;
    }
    expect(wrong).toBe(0);
    near(sum / masked().length, 0.5, 0.02);
  });

  it('masks round((0.3 − 0.2·r)·s) source tokens: about 0.29 of the source when r < 0.1, 0.11 when r > 0.9', () => {
    let wrong = 0;
    const low = { n: 0, sum: 0 };
    const high = { n: 0, sum: 0 };
    for (const { trace } of masked()) {
      if (trace.sourceMasked !== Math.round((0.3 - 0.2 * trace.r) * trace.s)) wrong++;
      const ratio = trace.sourceMasked / trace.s;
      if (trace.r < 0.1) (low.n++, (low.sum += ratio));
      if (trace.r > 0.9) (high.n++, (high.sum += ratio));
    }
    expect(wrong).toBe(0);
    near(low.sum / low.n, 0.29, 0.02);
    near(high.sum / high.n, 0.11, 0.02);
  });

  it('draws span lengths 1, 2, 3 at 6/11, 3/11, 2/11 and shrinks at most one span per region to the budget left', () => {
    const drawn = [0, 0, 0, 0];
    let shrunkTwice = 0;
    let badShrink = 0;
    for (const { trace } of masked()) {
      const shrunk = { [ROLE_SOURCE]: 0, [ROLE_TARGET]: 0 } as Record<number, number>;
      for (const [, len, region, n] of trace.spans) {
        drawn[n]++;
        if (len !== n) {
          shrunk[region]++;
          if (len > n) badShrink++;
        }
      }
      if (shrunk[ROLE_SOURCE] > 1 || shrunk[ROLE_TARGET] > 1) shrunkTwice++;
    }
    expect(badShrink).toBe(0);
    expect(shrunkTwice).toBe(0);
    const total = drawn[1] + drawn[2] + drawn[3];
    expect(total).toBeGreaterThan(50_000);
    near(drawn[1] / total, 6 / 11, 0.02);
    near(drawn[2] / total, 3 / 11, 0.02);
    near(drawn[3] / total, 2 / 11, 0.02);
  });

  it('places spans without overlap, inside their region (source or target)', () => {
    let outside = 0;
    let overlaps = 0;
    let wrongCount = 0;
    const covered = new Uint8Array(m.config.seqLen);
    for (const seg of masked()) {
      covered.fill(0);
      const c0 = seg.start + (seg.hasBos ? 1 : 0);
      let union = 0;
      for (const [start, len, region] of seg.trace.spans) {
        const [lo, hi] = region === ROLE_SOURCE ? [c0, c0 + seg.trace.s] : [c0 + seg.trace.s, c0 + seg.trace.L];
        if (start < lo || start + len > hi) outside++;
        for (let p = start; p < start + len; p++) {
          if (covered[p]) overlaps++;
          else union++;
          covered[p] = 1;
        }
      }
      if (union !== seg.trace.sourceMasked + seg.trace.targetMasked) wrongCount++;
    }
    expect([outside, overlaps, wrongCount]).toEqual([0, 0, 0]);
  });

  it('leaves segments under 12 tokens untouched, all source', () => {
    const short = m.segments.filter((s) => s.trace.L < 12);
    expect(short.length).toBeGreaterThan(50); // pieces of documents cut at row boundaries
    let touched = 0;
    for (const seg of short) {
      const cols = m.columns[seg.row];
      const orig = m.original[seg.row];
      if (seg.targetLength !== 0) touched++;
      for (let p = seg.start; p < seg.start + seg.length; p++) {
        if (cols.roles[p] !== ROLE_SOURCE || cols.labels[p] !== IGNORE_LABEL || cols.inputIds[p] !== orig[p]) touched++;
      }
    }
    expect(touched).toBe(0);
  });

  it('puts the original token in labels exactly where [MASK] is, and -100 elsewhere', () => {
    let maskedTokens = 0;
    let bad = 0;
    m.columns.forEach((cols, r) => {
      const orig = m.original[r];
      for (let p = 0; p < m.config.seqLen; p++) {
        if (cols.labels[p] === IGNORE_LABEL) {
          if (cols.inputIds[p] !== orig[p] || cols.lossWeights[p] !== 0) bad++;
        } else {
          maskedTokens++;
          const ok = cols.labels[p] === orig[p] && orig[p] < enc.vocabSize && cols.inputIds[p] === m.specials.mask && cols.lossWeights[p] === 1;
          if (!ok) bad++;
        }
      }
    });
    expect(bad).toBe(0);
    expect(maskedTokens).toBe(m.segments.reduce((n, s) => n + s.trace.sourceMasked + s.trace.targetMasked, 0));
  });

  it('never masks BOS or EOS; BOS is source, EOS target, source/target roles follow the split; target length = L − s', () => {
    let bad = 0;
    for (const seg of masked()) {
      const cols = m.columns[seg.row];
      const c0 = seg.start + (seg.hasBos ? 1 : 0);
      const last = seg.start + seg.length - 1;
      if (seg.hasBos && (cols.inputIds[seg.start] !== m.specials.bos || cols.roles[seg.start] !== ROLE_SOURCE)) bad++;
      if (seg.hasEos && (cols.inputIds[last] !== enc.eosId || cols.roles[last] !== ROLE_TARGET)) bad++;
      for (let p = c0; p < c0 + seg.trace.s; p++) if (cols.roles[p] !== ROLE_SOURCE) bad++;
      for (let p = c0 + seg.trace.s; p < c0 + seg.trace.L; p++) if (cols.roles[p] !== ROLE_TARGET) bad++;
      if (seg.targetLength !== seg.trace.L - seg.trace.s) bad++;
    }
    expect(bad).toBe(0);
  });

  it('numbers segments 1, 2, … within a row and marks padding as segment 0, role 0, [PAD]; only the last row is padded', () => {
    let bad = 0;
    m.columns.forEach((cols, r) => {
      const used = m.used[r];
      let expected = 1;
      if (cols.segmentIds[0] !== 1) bad++;
      for (let p = 1; p < used; p++) {
        if (cols.segmentIds[p] !== cols.segmentIds[p - 1]) expected++;
        if (cols.segmentIds[p] !== expected) bad++;
      }
      for (let p = used; p < m.config.seqLen; p++) {
        if (cols.inputIds[p] !== m.specials.pad || cols.segmentIds[p] !== 0 || cols.roles[p] !== ROLE_PAD || cols.labels[p] !== IGNORE_LABEL) bad++;
      }
    });
    expect(bad).toBe(0);
    expect(m.used.slice(0, -1).every((u) => u === m.config.seqLen)).toBe(true);
    expect(m.used.at(-1)).toBeLessThan(m.config.seqLen);
  });

  it('can mask a fixed source ratio, or none', () => {
    const few = docs.slice(0, 600);
    const fixed = maskDocs(few, enc.vocabSize, enc.eosId, { seed: 1, biglm: { sourceRatio: 'fixed' } });
    const long = fixed.segments.filter((s) => s.trace.L >= 12);
    expect(long.filter(({ trace }) => trace.sourceMasked !== Math.round(0.15 * trace.s))).toEqual([]);
    const none = maskDocs(few, enc.vocabSize, enc.eosId, { seed: 1, biglm: { sourceRatio: 'none' } });
    expect(none.segments.every((s) => s.trace.sourceMasked === 0)).toBe(true);
  });
});

describe('BERT masking on real text', () => {
  it('chooses 15 % of tokens independently and replaces them 80/10/10 ([MASK]/random/kept)', () => {
    const m = maskDocs(docs, enc.vocabSize, enc.eosId, { objective: 'bert', seed: 3 });
    let content = 0;
    let chosen = 0;
    let toMask = 0;
    let toRandom = 0;
    let kept = 0;
    let bad = 0;
    for (const seg of m.segments) {
      const cols = m.columns[seg.row];
      const orig = m.original[seg.row];
      content += seg.trace.L;
      if (seg.targetLength !== 0) bad++;
      for (let p = seg.start; p < seg.start + seg.length; p++) {
        if (cols.roles[p] !== ROLE_TARGET) bad++; // full attention within the segment
        if (cols.labels[p] === IGNORE_LABEL) continue;
        chosen++;
        if (cols.labels[p] !== orig[p] || cols.lossWeights[p] !== 1 || orig[p] >= enc.vocabSize) bad++;
        if (cols.inputIds[p] === m.specials.mask) toMask++;
        else if (cols.inputIds[p] === orig[p]) kept++;
        else {
          toRandom++;
          if (cols.inputIds[p] >= enc.vocabSize || cols.inputIds[p] === enc.eosId) bad++;
        }
      }
    }
    expect(bad).toBe(0);
    near(chosen / content, 0.15, 0.005);
    near(toMask / chosen, 0.8, 0.01);
    near(toRandom / chosen, 0.1, 0.01);
    near(kept / chosen, 0.1, 0.01);
  });
});

describe('masked-diffusion masking on real text', () => {
  it('masks each token with a per-segment t ~ U(0,1) and weights masked tokens 1/t', () => {
    const m = maskDocs(docs, enc.vocabSize, enc.eosId, { objective: 'diffusion', seed: 5 });
    let expectedMasked = 0;
    let maskedTokens = 0;
    let tSum = 0;
    let bad = 0;
    for (const seg of m.segments) {
      const t = seg.trace.r;
      if (!(t >= 0.001 && t < 1)) bad++;
      tSum += t;
      expectedMasked += t * seg.trace.L;
      const cols = m.columns[seg.row];
      for (let p = seg.start; p < seg.start + seg.length; p++) {
        if (cols.roles[p] !== ROLE_TARGET) bad++;
        if (cols.labels[p] === IGNORE_LABEL) {
          if (cols.lossWeights[p] !== 0) bad++;
        } else {
          maskedTokens++;
          if (cols.inputIds[p] !== m.specials.mask || cols.lossWeights[p] !== Math.fround(1 / t)) bad++;
        }
      }
    }
    expect(bad).toBe(0);
    near(tSum / m.segments.length, 0.5, 0.02);
    near(maskedTokens / expectedMasked, 1, 0.02);
  });
});
