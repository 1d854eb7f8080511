import { describe, expect, it } from 'vitest';
import { LENGTH_BINS, LengthHistogram, binLower, histogramBins, histogramQuantile, lengthBin } from '../../pipeline/core/histogram.js';
import { StatsRecorder, mergeStats } from '../../pipeline/core/stats.js';
import { sourceGroups } from '../../pipeline/report/collect.js';

describe('log-scale length histograms', () => {
  it('puts every length in the bin whose edges hold it, bins at most 25 % wide', () => {
    const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 15, 16, 17, 100, 1000, 4095, 4096, 65_537, 1e6, 2 ** 31 - 1];
    for (let v = 0; v < 5000; v++) lengths.push(v);
    for (const v of lengths) {
      const b = lengthBin(v);
      expect(b).toBeLessThan(LENGTH_BINS);
      expect(binLower(b)).toBeLessThanOrEqual(v);
      expect(binLower(b + 1)).toBeGreaterThan(v);
    }
    for (let b = 4; b < LENGTH_BINS - 1; b++) expect(binLower(b + 1) / binLower(b)).toBeLessThanOrEqual(1.25);
    expect([0, 1, 2, 3, 4, 8, 10, 16].map(lengthBin).map(binLower)).toEqual([0, 1, 2, 3, 4, 8, 10, 16]);
  });

  it('stores non-empty bins by lower edge, and two tasks merge into one pass', () => {
    const a = new LengthHistogram();
    const b = new LengthHistogram();
    const all = new LengthHistogram();
    [5, 9, 9, 300, 330, 7000].forEach((v, i) => {
      (i % 2 ? a : b).add(v);
      all.add(v);
    });
    expect(all.toRecord()).toEqual({ '5': 1, '8': 2, '256': 1, '320': 1, '6144': 1 } satisfies Record<string, number>);
    const r1 = new StatsRecorder();
    const r2 = new StatsRecorder();
    r1.addHistogram('tokenize', 'after:chars:x', a.toRecord());
    r2.addHistogram('tokenize', 'after:chars:x', b.toRecord());
    const merged = mergeStats(r1.snapshot(), r2.snapshot());
    expect(merged.stages.tokenize.histograms).toEqual({ 'after:chars:x': all.toRecord() });
    expect(histogramBins(all.toRecord())[0]).toEqual({ lower: 5, upper: 6, count: 1 });
    expect(histogramQuantile(all.toRecord(), 0.5)).toBe(8);
  });
});

describe('source groups of the report', () => {
  it('names each file when a run has few, relative to the folder they share', () => {
    expect(sourceGroups(['/d/sample/mail/ham.jsonl', '/d/sample/mail/spam.jsonl', '/d/sample/brown/news.jsonl'])).toEqual([
      'mail/ham.jsonl',
      'mail/spam.jsonl',
      'brown/news.jsonl',
    ]);
  });

  it('groups by folder when a run has many files, and into one group when folders are many too', () => {
    const files = Array.from({ length: 40 }, (_, i) => `/crawl/${i % 2 ? 'cc-2024' : 'cc-2023'}/part-${i}.warc.gz`);
    expect(new Set(sourceGroups(files))).toEqual(new Set(['cc-2023/', 'cc-2024/']));
    const spread = Array.from({ length: 40 }, (_, i) => `/crawl/seg-${i}/part.warc.gz`);
    expect(new Set(sourceGroups(spread))).toEqual(new Set(['all inputs']));
  });
});
