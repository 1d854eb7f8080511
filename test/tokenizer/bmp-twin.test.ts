// The BMP twin of a pattern splits texts exactly like the pattern, and keeps splitting where V8's own regex
// runs out of backtrack stack (one piece of a few million characters in a string beyond Latin-1).

import { describe, expect, it } from 'vitest';
import { get_encoding } from 'tiktoken';
import { Rng } from '../../lib/rng.js';
import { BmpTwin, LONG_TEXT_UNITS, PieceScanner } from '../../tokenizer/bmp-twin.js';
import { getEncoding } from '../../tokenizer/index.js';
import { CL100K_PATTERN, GPT2_PATTERN, O200K_PATTERN, compilePattern } from '../../tokenizer/pattern.js';
import { countPieces } from '../../tokenizer/train/index.js';

const PATTERNS = { cl100k_base: CL100K_PATTERN, o200k_base: O200K_PATTERN, gpt2: GPT2_PATTERN };

/** Characters where the classes of the patterns differ: cases, marks, digits, spaces, astral letters, lone surrogates. */
const TRICKY = [
  'a', 'Z', 'é', 'ſ', 'K', '\u212a', "'", 's', 'S', 't', 'T', 're', 'VE', "'LL", 'm', 'd', '1', '٣', '²', ' ', '  ', '\t',
  '\n', '\r', '\r\n', '\u00a0', '\u3000', '\u0085', '\ufeff', '.', '!', '/', '-', '漢', 'я', 'Ⅻ', '\u0300', 'ʰ', 'ǅ',
  '🎉', '👩‍💻', '𝐀', '𝑎', '𐐷', '𝟘', '\ud800', '\udc00', '\u{e0001}', '\u{f0000}', '\u{1f3fb}', '\u{16f8f}',
];

function offsets(re: RegExp, text: string): number[] {
  const ends: number[] = [];
  re.lastIndex = 0;
  while (re.lastIndex < text.length) {
    if (!re.test(text)) throw new Error(`no match at ${re.lastIndex}`);
    ends.push(re.lastIndex);
  }
  return ends;
}

function twinOffsets(twin: BmpTwin, text: string): number[] {
  const t = twin.twin(text);
  return offsets(twin.re, t.text).map((end) => (t.origin ? t.origin[end] : end));
}

describe('BmpTwin', () => {
  for (const [name, pattern] of Object.entries(PATTERNS)) {
    it(`splits 3,000 random strings of tricky characters exactly like the ${name} pattern`, () => {
      const twin = new BmpTwin(pattern);
      const re = compilePattern(pattern);
      const rng = new Rng('bmp-twin', name);
      for (let k = 0; k < 3000; k++) {
        let text = '';
        for (let i = rng.int(1, 60); i > 0; i--) text += TRICKY[rng.int(0, TRICKY.length)];
        expect(twinOffsets(twin, text), JSON.stringify(text)).toEqual(offsets(re, text));
      }
    });

    it(`keeps the ${name} twin under V8's 20 K-character limit past which no regex loop is optimized`, () => {
      expect(new BmpTwin(pattern).re.source.length).toBeLessThan(20_000);
    });
  }

  it('splits one piece of 5 M letters in a string beyond Latin-1, where the pattern’s own regex overflows', () => {
    const text = 'a'.repeat(5_000_000) + ' 漢字 🎉';
    const re = compilePattern(CL100K_PATTERN);
    re.lastIndex = 0;
    expect(() => re.test(text)).toThrow(RangeError);
    for (const pattern of Object.values(PATTERNS)) {
      expect(twinOffsets(new BmpTwin(pattern), text)).toEqual([5_000_000, 5_000_003, 5_000_006]);
    }
  });
});

describe('PieceScanner', () => {
  it('hands long texts to the twin and maps astral characters back to their place', () => {
    const scanner = new PieceScanner(CL100K_PATTERN);
    expect(scanner.scan('short 🎉').origin).toBeUndefined();
    const long = '🎉 x '.repeat(LONG_TEXT_UNITS / 4);
    const scan = scanner.scan(long);
    expect(scan.text.length).toBe(long.length * 0.8);
    expect(scan.origin![scan.text.length]).toBe(long.length);
    // the second 🎉 is at twin offset 4 and text offset 5; the space after it at 5 and 7
    expect([scan.origin![4], scan.origin![5]]).toEqual([5, 7]);
  });
});

describe('tokenizing long texts', () => {
  it('gives tiktoken’s ids on 1.5 M characters of mixed text with emoji (the twin path)', () => {
    const rng = new Rng('long-text');
    const words = ['the', 'Überraschung', '東京', 'привет', '🎉', '👩‍💻', '𝐀𝐁𝐂', '2024', "it's", '  ', '\n', '—', 'naïve', 'x'];
    const parts: string[] = [];
    for (let length = 0; length < 1_500_000; ) {
      const w = words[rng.int(0, words.length)];
      parts.push(w, rng.next() < 0.7 ? ' ' : '');
      length += w.length + 1;
    }
    const text = parts.join('');
    expect(text.length).toBeGreaterThan(LONG_TEXT_UNITS);
    const ours = getEncoding('cl100k_base');
    const raw = get_encoding('cl100k_base');
    const expected = raw.encode_ordinary(text);
    expect(Array.from(ours.encode(text))).toEqual(Array.from(expected));
    expect(ours.count(text)).toBe(expected.length);
    ours.free();
    raw.free();
  }, 240_000);

  it('lets the trainer count pieces of a text holding a 5 M-character piece (skipped as too long)', async () => {
    const text = 'word '.repeat(10) + 'я'.repeat(5_000_000) + ' end';
    const { counts, pieces } = await countPieces([text], CL100K_PATTERN);
    expect(pieces).toBe(11);
    expect(counts.get(' word')).toBe(9);
    expect(counts.get(' end')).toBe(1);
  });
});
