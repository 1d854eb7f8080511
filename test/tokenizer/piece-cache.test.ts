import { afterAll, describe, expect, it } from 'vitest';
import { get_encoding } from 'tiktoken';
import { PieceCacheEncoder } from '../../tokenizer/piece-cache.js';
import { builtinRanks } from '../../tokenizer/mergeable-ranks.js';

const ranks = () => builtinRanks('cl100k_base');
import { BUILTINS } from '../../tokenizer/builtin.js';
import { Rng } from '../../lib/rng.js';

const cl100k = get_encoding('cl100k_base');
afterAll(() => cl100k.free());
const pattern = BUILTINS.cl100k_base.pattern;

/** Many distinct multi-token pieces: made-up words over Latin, Cyrillic, CJK and emoji, with digits and marks. */
function wordSoup(seed: number, words: number): string {
  const rng = new Rng(seed);
  const alphabets = ['abcdefghijklmnopqrstuvwxyz', 'абвгдежзийклмнопрст', '的一是不了人我在有他这中大来上国个到说们为', '🎉🚀∑éüß'];
  const parts: string[] = [];
  for (let w = 0; w < words; w++) {
    const abc = [...alphabets[rng.int(0, alphabets.length)]];
    let word = '';
    for (let i = rng.int(2, 12); i > 0; i--) word += abc[rng.int(0, abc.length)];
    parts.push(rng.next() < 0.1 ? `${word}${rng.int(0, 1000)}` : word);
  }
  return parts.join(rng.next() < 0.5 ? ' ' : '\n');
}

describe('PieceCacheEncoder', () => {
  it('gives tiktoken’s ids while its Map is emptied again and again', () => {
    const enc = new PieceCacheEncoder(cl100k, ranks, pattern, { maxEntries: 16 });
    for (let seed = 1; seed <= 5; seed++) {
      const text = wordSoup(seed, 3000);
      expect(Array.from(enc.encode(text))).toEqual(Array.from(cl100k.encode_ordinary(text)));
      expect(enc.count(text)).toBe(cl100k.encode_ordinary(text).length);
      expect(enc.size).toBeLessThanOrEqual(16);
    }
  });

  it('keeps every id right when the ids of multi-token pieces outgrow the first arena (65,536 ids)', () => {
    const enc = new PieceCacheEncoder(cl100k, ranks, pattern);
    const text = wordSoup(7, 60000);
    const expected = Array.from(cl100k.encode_ordinary(text));
    expect(expected.length).toBeGreaterThan(100000);
    expect(Array.from(enc.encode(text))).toEqual(expected);
    // a second pass is served by the cache alone, from the grown arena
    expect(Array.from(enc.encode(text))).toEqual(expected);
  });

  it('empties its cache when the arena of multi-token ids is full, and stays exact', () => {
    const enc = new PieceCacheEncoder(cl100k, ranks, pattern, { maxArenaIds: 1000 });
    const text = wordSoup(11, 5000);
    const expected = Array.from(cl100k.encode_ordinary(text));
    expect(Array.from(enc.encode(text))).toEqual(expected);
    // 5,000 mostly distinct words but an arena of 1,000 ids: the cache was emptied on the way
    expect(enc.size).toBeLessThan(1000);
    expect(Array.from(enc.encode(text))).toEqual(expected);
  });

  it('merges pieces longer than it caches itself, never in tiktoken, with tiktoken’s ids', () => {
    const calls: string[] = [];
    const core = { encode_ordinary: (piece: string) => (calls.push(piece), cl100k.encode_ordinary(piece)) };
    const enc = new PieceCacheEncoder(core, ranks, pattern, { maxPieceLength: 8 });
    const text = 'short words and a verylongwordthatgoesonandon plus 日本語のテキストが長く続きます';
    expect(Array.from(enc.encode(text))).toEqual(Array.from(cl100k.encode_ordinary(text)));
    expect(enc.count(text)).toBe(cl100k.encode_ordinary(text).length);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((piece) => piece.length <= 8)).toBe(true);
  });

  it('refuses a piece length whose ids could overflow an entry', () => {
    expect(() => new PieceCacheEncoder(cl100k, ranks, pattern, { maxPieceLength: 200 })).toThrow(/maxPieceLength 200 is over 170/);
  });
});
