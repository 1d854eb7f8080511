import { describe, expect, it } from 'vitest';
import { StatsRecorder, addToMean, emptyMean, mergeMeans, mergeStats, totalDropped } from '../../pipeline/core/stats.js';

describe('stats', () => {
  it('merges running means exactly like one pass over all values', () => {
    const xs = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    const all = emptyMean();
    const a = emptyMean();
    const b = emptyMean();
    xs.forEach((x, i) => {
      addToMean(all, x);
      addToMean(i < 4 ? a : b, x);
    });
    const merged = mergeMeans(a, b);
    expect(merged.n).toBe(10);
    expect(merged.mean).toBeCloseTo(3.9, 12);
    expect(merged.m2 / merged.n).toBeCloseTo(all.m2 / all.n, 10);
    expect([merged.min, merged.max]).toEqual([1, 9]);
  });

  it('adds counters and drops of two tasks and keeps reasons prefixed by stage', () => {
    const r1 = new StatsRecorder();
    r1.countRead(5);
    r1.drop('gopher_quality', 'mean_word_length', 2);
    r1.drop('read', 'read:invalid_json');
    const r2 = new StatsRecorder();
    r2.countRead(3);
    r2.drop('gopher_quality', 'mean_word_length');
    r2.count('tokenize', 'tokens', 100);
    const merged = mergeStats(r1.snapshot(), r2.snapshot());
    expect(merged.read).toBe(8);
    expect(totalDropped(merged)).toEqual({ 'gopher_quality:mean_word_length': 3, 'read:invalid_json': 1 });
    expect(merged.stages.tokenize.counters.tokens).toBe(100);
  });

  it('leaves its inputs untouched when merging', () => {
    const r = new StatsRecorder();
    r.countRead(1);
    const s = r.snapshot();
    mergeStats(s, s);
    expect(s.read).toBe(1);
  });
});
