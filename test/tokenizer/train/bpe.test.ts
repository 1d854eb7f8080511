import { describe, expect, it } from 'vitest';
import { learnBpe } from '../../../tokenizer/train/bpe.js';

const text = (t: Uint8Array) => Buffer.from(t).toString('latin1');

describe('learning BPE merges', () => {
  // Sennrich et al.'s example. By hand: e·s and s·t tie at 9 → "es" (bytes e < s), then "est" (9);
  // l·o and o·w tie at 7 → "lo", "low"; n·e, e·w, w·est tie at 6 → "ew" (e < n < w), then ew·est vs
  // n·ew at 6 → "ewest" (e < n), "newest"; at 3: d·est < i·d < w·i → "dest", "idest", "widest";
  // at 2: e·r < low·e → "er", "lower".
  it('reproduces the hand-checked merge order on low/lower/newest/widest', () => {
    const counts = new Map([['low', 5], ['lower', 2], ['newest', 6], ['widest', 3]]);
    const { tokens, merges } = learnBpe(counts, 300);
    expect(merges).toBe(12);
    expect(tokens.slice(256).map(text)).toEqual(['es', 'est', 'lo', 'low', 'ew', 'ewest', 'newest', 'dest', 'idest', 'widest', 'er', 'lower']);
  });

  it('starts from the 256 single bytes in byte order', () => {
    const { tokens } = learnBpe(new Map([['ab', 1]]), 256);
    expect(tokens).toHaveLength(256);
    tokens.forEach((t, i) => expect([...t]).toEqual([i]));
  });

  it('stops at the requested number of ranks', () => {
    const { tokens } = learnBpe(new Map([['newest', 6], ['widest', 3]]), 258);
    expect(tokens.slice(256).map(text)).toEqual(['es', 'est']);
  });

  it('merges overlapping repeats left to right', () => {
    const { tokens } = learnBpe(new Map([['aaaa', 1], ['aaa', 1]]), 258);
    // a·a occurs 3 + 2 = 5 times; after "aa": aaaa → aa·aa (1), aaa → aa·a (1): tie → "aaa" (bytes aa·a < aa·aa).
    expect(tokens.slice(256).map(text)).toEqual(['aa', 'aaa']);
  });

  it('does not depend on the order pieces were first seen', () => {
    const entries: [string, number][] = [['the', 10], [' the', 7], ['then', 3], [' then', 3], ['hen', 3], ['ether', 2]];
    const a = learnBpe(new Map(entries), 280).tokens.map(text);
    const b = learnBpe(new Map([...entries].reverse()), 280).tokens.map(text);
    expect(b).toEqual(a);
  });

  it('never adds the same bytes twice when two merges spell the same token', () => {
    // "abc" can form as ab·c or a·bc depending on the word.
    const counts = new Map([['abc', 5], ['xab', 4], ['bcy', 4], ['zabc', 1], ['abcz', 1]]);
    const { tokens } = learnBpe(counts, 400);
    const names = tokens.map(text);
    expect(new Set(names).size).toBe(names.length);
  });

  it('handles multi-byte UTF-8 pieces as bytes', () => {
    const { tokens } = learnBpe(new Map([['日本', 3]]), 262);
    const learned = tokens.slice(256).map((t) => Buffer.from(t).toString('utf8'));
    expect(learned).toContain('日本');
  });
});
