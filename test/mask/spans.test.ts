import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/rng.js';
import { placeSpans, spanCdf, SpanScratch } from '../../pipeline/mask/spans.js';

function spansOf(scratch: SpanScratch, count: number): [number, number][] {
  return Array.from({ length: count }, (_, k) => [scratch.starts[k], scratch.lengths[k]] as [number, number]);
}

describe('span masking of a region', () => {
  it('draws span lengths 1, 2, 3 with P(n) ∝ 1/n', () => {
    const cdf = spanCdf(3);
    expect(cdf[0]).toBeCloseTo(6 / 11, 12);
    expect(cdf[1]).toBeCloseTo(9 / 11, 12);
    expect(cdf[2]).toBe(1);
  });

  it('masks exactly the budget, in non-overlapping spans inside the region, for every budget', () => {
    const rng = new Rng(1, 'spans');
    const scratch = new SpanScratch(64);
    const cdf = spanCdf(3);
    for (let m = 1; m <= 40; m++) {
      for (let budget = 0; budget <= m; budget++) {
        const count = placeSpans(m, budget, cdf, rng, scratch);
        const spans = spansOf(scratch, count);
        expect(spans.reduce((n, [, len]) => n + len, 0)).toBe(budget);
        let end = 0;
        for (const [start, len] of spans) {
          expect(start).toBeGreaterThanOrEqual(end); // sorted, no overlap
          expect(len).toBeGreaterThanOrEqual(1);
          expect(len).toBeLessThanOrEqual(3);
          end = start + len;
        }
        expect(end).toBeLessThanOrEqual(m);
      }
    }
  });

  it('shrinks a span when the budget left is smaller than n', () => {
    const rng = new Rng(2, 'shrink');
    const scratch = new SpanScratch(8);
    const cdf = spanCdf(3);
    let oneSpanOfTwo = 0;
    const trials = 20_000;
    for (let i = 0; i < trials; i++) {
      const count = placeSpans(8, 2, cdf, rng, scratch);
      if (count === 1) {
        expect(scratch.lengths[0]).toBe(2);
        oneSpanOfTwo++;
      } else {
        expect(spansOf(scratch, count).map(([, len]) => len)).toEqual([1, 1]);
      }
    }
    // A budget of 2 is one span when the first draw is 2 or 3 (3 shrinks to 2): P = 5/11.
    expect(oneSpanOfTwo / trials).toBeCloseTo(5 / 11, 2);
  });

  it('places spans uniformly: a single-token span lands on each of 5 positions about equally', () => {
    const rng = new Rng(3, 'uniform');
    const scratch = new SpanScratch(5);
    const cdf = spanCdf(3);
    const hits = [0, 0, 0, 0, 0];
    for (let i = 0; i < 50_000; i++) {
      placeSpans(5, 1, cdf, rng, scratch);
      hits[scratch.starts[0]]++;
    }
    for (const h of hits) expect(h / 50_000).toBeCloseTo(0.2, 2);
  });

  it('refuses a budget larger than the region', () => {
    expect(() => placeSpans(3, 4, spanCdf(3), new Rng(0), new SpanScratch(8))).toThrow(/exceeds region length 3/);
  });
});
