import { describe, expect, it } from 'vitest';
import { resolveMaskConfig } from '../../pipeline/mask/config.js';
import { IGNORE_LABEL } from '../../formats/examples/labels.js';

describe('mask config', () => {
  it('fills in the spec defaults', () => {
    const c = resolveMaskConfig({});
    expect(c).toMatchObject({ objective: 'biglm', seqLen: 128, seed: 0, minDocTokens: 20, minMaskedSegment: 12, validFraction: 0.01 });
    expect(c.biglm).toEqual({ splitLow: 0.2, splitHigh: 0.8, sourceRatio: 'adaptive', sourceBase: 0.3, sourceSlope: 0.2, sourceFixed: 0.15, minTargetMasked: 1, maxSpan: 3 });
    expect(c.bert).toEqual({ maskProb: 0.15, replaceMask: 0.8, replaceRandom: 0.1 });
    expect(c.diffusion).toEqual({ minT: 0.001 });
    expect(IGNORE_LABEL).toBe(-100);
  });

  it('keeps defaults for the keys a partial section leaves out', () => {
    expect(resolveMaskConfig({ biglm: { maxSpan: 5 } }).biglm).toMatchObject({ maxSpan: 5, splitLow: 0.2 });
  });

  it('rejects misspelt keys and inconsistent values, naming the field', () => {
    expect(() => resolveMaskConfig({ seqlen: 64 })).toThrow(/invalid mask config:[\s\S]*seqlen/);
    expect(() => resolveMaskConfig({ biglm: { splitLow: 0.9 } })).toThrow(/biglm\.splitLow: splitLow \(0\.9\) must be below splitHigh/);
    expect(() => resolveMaskConfig({ bert: { replaceMask: 0.95, replaceRandom: 0.1 } })).toThrow(/bert\.replaceRandom/);
    expect(() => resolveMaskConfig({ objective: 'gpt' })).toThrow(/objective/);
  });
});
