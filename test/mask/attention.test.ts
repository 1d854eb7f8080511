import { describe, expect, it } from 'vitest';
import { attentionMask, mayAttend } from '../../pipeline/mask/attention.js';

// Row of 10: segment 1 = [BOS] a b | c d [EOS] (split s = 2: BOS, a, b source; c, d, EOS target),
// segment 2 = a short, all-source piece of 2 tokens, then 2 pads.
const segmentIds = [1, 1, 1, 1, 1, 1, 2, 2, 0, 0];
const roles = [1, 1, 1, 2, 2, 2, 1, 1, 0, 0];

describe('the prefix-LM attention mask of a row', () => {
  it('lets source tokens see only their own segment’s source, BOS included', () => {
    for (const i of [0, 1, 2]) {
      expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((j) => mayAttend(segmentIds, roles, i, j))).toEqual([0, 1, 2]);
    }
  });

  it('lets target tokens (EOS included) see their whole segment and nothing else', () => {
    for (const i of [3, 4, 5]) {
      expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((j) => mayAttend(segmentIds, roles, i, j))).toEqual([0, 1, 2, 3, 4, 5]);
    }
  });

  it('keeps a short all-source segment to itself, and padding out of everything', () => {
    const m = attentionMask(segmentIds, roles);
    const row = (i: number) => Array.from(m.subarray(i * 10, i * 10 + 10));
    expect(row(6)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 0, 0]);
    expect(row(8)).toEqual(new Array(10).fill(0));
    for (let i = 0; i < 10; i++) expect(m[i * 10 + 9]).toBe(0); // nobody attends to padding
  });

  it('is full attention inside a segment when every token is a target (BERT, diffusion)', () => {
    const m = attentionMask([1, 1, 2, 2], [2, 2, 2, 2]);
    expect(Array.from(m)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
  });
});
