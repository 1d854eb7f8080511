import { describe, expect, it } from 'vitest';
import { planMixture } from '../../pipeline/mix/plan.js';
import { selectPartial } from '../../pipeline/mix/select.js';
import { parseMixFile } from '../../pipeline/mix/schema.js';
import type { SourceRun } from '../../pipeline/mix/source-run.js';
import { Rng } from '../../lib/rng.js';

/** The two numbers the planner reads from a source run's manifest. */
function run(tokens: number, documents: number): SourceRun {
  return { tokens, documents } as SourceRun;
}

function mixture(m: object, extra: object = {}) {
  return parseMixFile({ ...extra, mixtures: [{ name: 'm', ...m }] }, '/tmp').mixtures[0];
}

describe('planning token budgets', () => {
  it('splits a weighted budget into whole epochs and a partial remainder', () => {
    const m = mixture({ totalTokens: 1000, sources: [{ run: 'a', weight: 0.75, maxEpochs: 4 }, { run: 'b', weight: 0.25 }] });
    const { plan, errors } = planMixture(m, [run(300, 10), run(500, 20)]);
    expect(errors).toEqual([]);
    expect(plan!.sources.map((s) => [s.target, s.fullEpochs, s.partialTokens])).toEqual([
      [750, 2, 150],
      [250, 0, 250],
    ]);
  });

  it('without a budget, takes the largest total every source supplies within its maxEpochs', () => {
    const m = mixture({ sources: [{ run: 'a', weight: 0.5, maxEpochs: 2 }, { run: 'b', weight: 0.5 }] });
    const { plan } = planMixture(m, [run(300, 10), run(1000, 20)]);
    // a can give 600 tokens (2 epochs) = half of 1200; b gives 600 of its 1000.
    expect(plan!.totalTokens).toBe(1200);
    expect(plan!.sources.map((s) => s.target)).toEqual([600, 600]);
  });

  it('sums fixed token budgets into the total and reports their shares', () => {
    const m = mixture({ sources: [{ run: 'a', tokens: 100 }, { run: 'b', tokens: 300 }] });
    const { plan } = planMixture(m, [run(1000, 10), run(1000, 10)]);
    expect(plan!.totalTokens).toBe(400);
    expect(plan!.sources.map((s) => s.requestedShare)).toEqual([0.25, 0.75]);
  });

  it('refuses a source without tokens and a budget beyond maxEpochs', () => {
    const m = mixture({ totalTokens: 1000, sources: [{ run: 'a', weight: 0.5 }, { run: 'b', weight: 0.5 }] });
    expect(planMixture(m, [run(0, 0), run(1000, 5)]).errors[0]).toContain('holds no tokens');
    expect(planMixture(m, [run(400, 4), run(1000, 5)]).errors[0]).toContain('1.25 epochs');
  });
});

describe('picking the partial epoch', () => {
  const lengths = Uint32Array.from({ length: 5000 }, (_, i) => 50 + ((i * 7919) % 950));
  const total = lengths.reduce((a, b) => a + b, 0);

  it('comes within half a document of the budget', () => {
    const budget = Math.round(total * 0.37);
    const { selected, tokens, documents } = selectPartial(lengths, budget, new Rng(1));
    expect(Math.abs(tokens - budget)).toBeLessThanOrEqual(500);
    let sum = 0;
    let count = 0;
    selected.forEach((s, i) => {
      if (s) {
        sum += lengths[i];
        count++;
      }
    });
    expect([sum, count]).toEqual([tokens, documents]);
  });

  it('is a different subset for a different seed and the same one for the same seed', () => {
    const a = selectPartial(lengths, total / 2, new Rng(1)).selected;
    const b = selectPartial(lengths, total / 2, new Rng(1)).selected;
    const c = selectPartial(lengths, total / 2, new Rng(2)).selected;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('does not favour short or long documents', () => {
    const { selected, documents } = selectPartial(lengths, total / 2, new Rng(3));
    let sum = 0;
    selected.forEach((s, i) => (sum += s ? lengths[i] : 0));
    const meanSelected = sum / documents;
    const meanAll = total / lengths.length;
    expect(Math.abs(meanSelected - meanAll) / meanAll).toBeLessThan(0.03);
  });
});
