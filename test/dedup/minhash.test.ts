import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MinHasher, permutationParams, jaccard, shingleSet, lshCatchProbability } from '../../pipeline/dedup/minhash/minhash.js';
import { MERSENNE_61, mulAddModMersenneBig, MinHashKernel } from '../../pipeline/dedup/machinery/mersenne.js';
import { normalizeText, splitWords, DEFAULT_NORMALIZATION } from '../../pipeline/dedup/normalize.js';
import { Rng } from '../../lib/rng.js';

const defaults = {
  bands: 14, rows: 8, shingleSize: 5, unit: 'word' as const, segmentation: 'auto' as const,
  normalization: DEFAULT_NORMALIZATION, seed: 1,
};

function toU32Pairs(values: bigint[]): Uint32Array {
  const out = new Uint32Array(values.length * 2);
  values.forEach((v, i) => {
    out[2 * i] = Number(v & 0xffffffffn);
    out[2 * i + 1] = Number(v >> 32n);
  });
  return out;
}
const fromPair = (m: Uint32Array, i: number) => (BigInt(m[i + 1]) << 32n) | BigInt(m[i]);

describe('the mod-Mersenne WebAssembly kernel', () => {
  it.each([true, false])('matches a BigInt reference of min (a·x + b) mod (2^61 − 1), including extreme values (simd %s)', (simd) => {
    const rng = new Rng('kernel-test');
    const r61 = () => ((BigInt(rng.int(0, 0x20000000)) << 32n) | BigInt(rng.int(0, 0x100000000))) % MERSENNE_61;
    const p1 = MERSENNE_61 - 1n;
    // (1, 1), (1, 2), (1, 3) with x = p − 1 land a·x + b on p, p + 1, p + 2: residues 0, 1, 2 that the
    // SIMD kernel's double fold must not confuse with p − 1 or leave unreduced.
    const as = [1n, 2n, p1, p1 - 1n, 1n << 60n, (1n << 32n) - 1n, 1n << 32n, 1n, 1n, 1n, ...Array.from({ length: 40 }, r61)];
    const bs = [0n, p1, 1n, p1, 0n, p1, 12345n, 1n, 2n, 3n, ...Array.from({ length: 40 }, r61)];
    const params = toU32Pairs(as.flatMap((a, i) => [a, bs[i]]));
    const kernel = new MinHashKernel(params, { simd });
    expect(kernel.simd).toBe(simd); // Node 20 has WebAssembly SIMD
    const xs = [0n, 1n, p1, p1 - 1n, (1n << 32n) - 1n, 1n << 32n, 1n << 60n, ...Array.from({ length: 200 }, r61)];
    for (const take of [1, 3, xs.length]) {
      const mem = kernel.ensure(take);
      xs.slice(0, take).forEach((x, i) => kernel.setX(mem, i, Number(x & 0xffffffffn), Number(x >> 32n)));
      const out = kernel.run(take);
      as.forEach((a, k) => {
        let min = MERSENNE_61;
        for (const x of xs.slice(0, take)) {
          const v = mulAddModMersenneBig(a, x, bs[k]);
          if (v < min) min = v;
        }
        expect(fromPair(out, kernel.outIndex + 2 * k)).toBe(min);
      });
    }
  });

  it.each([true, false])('gives every document signature the BigInt reference values (simd %s)', (simd) => {
    const h = new MinHasher(defaults, { simd });
    const text = 'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness.';
    const xs = [...h.shingleHashes(text)];
    // one hash per distinct shingle: 'of times it was the' and 'it was the age of' occur twice
    const words = splitWords(normalizeText(text), 'auto');
    const shingles = words.slice(0, -4).map((_w, i) => words.slice(i, i + 5).join(' '));
    expect(shingles.length).toBe(20);
    expect(xs.length).toBe(new Set(shingles).size);
    expect(xs.length).toBe(18);
    expect(new Set(xs).size).toBe(xs.length);
    const params = permutationParams(112, 1);
    const sig = h.signature(text)!;
    for (let k = 0; k < 112; k++) {
      const a = fromPair(params, 4 * k), b = fromPair(params, 4 * k + 2);
      const ref = xs.reduce((m, x) => { const v = mulAddModMersenneBig(a, x, b); return v < m ? v : m; }, MERSENNE_61);
      expect(fromPair(sig, 2 * k)).toBe(ref);
    }
  });
});

describe('repeated shingles', () => {
  it('are hashed once: every signature and band hash equals the one computed over all shingles', () => {
    const skip = new MinHasher(defaults);
    const keep = new MinHasher(defaults, { skipRepeats: false });
    const line = 'The quick brown fox jumps over the lazy dog while the cat sleeps.';
    const texts = [
      `${line}\n${line}\n${line}`, // whole lines repeated, as in quoted mail
      'a b c d e a b c d e a b c d e f', // a cycle of five words
      'one two three four five', // a single shingle
      Array.from({ length: 3000 }, (_w, i) => 'w' + String.fromCharCode(97 + (i % 600) % 26, 97 + Math.floor((i % 600) / 26))).join(' '), // 600 words in a cycle: more shingles than the first table holds
      'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness.',
    ];
    let repeats = 0;
    for (const t of texts) {
      expect([...skip.signature(t)!]).toEqual([...keep.signature(t)!]);
      expect([...skip.bandHashes(t)!]).toEqual([...keep.bandHashes(t)!]);
      const all = keep.shingleHashes(t);
      const distinct = skip.shingleHashes(t);
      expect([...distinct]).toEqual([...new Set(all)]);
      repeats += all.length - distinct.length;
    }
    // periodic texts have as many distinct shingles as their period: 35 − 13, 11 − 5, 2996 − 600; the sentence 2
    expect(repeats).toBe(22 + 6 + 0 + 2396 + 2);
  });
});

describe('normalization', () => {
  it('lowercases, folds digit runs to 0, turns punctuation into spaces and strips diacritics', () => {
    expect(normalizeText('  Café RÉSUMÉ: 2024-11-05,\tnaïve!!  ')).toBe('cafe resume 0 0 0 naive');
  });
  it('segments Chinese and Japanese into words instead of one token per sentence', () => {
    const zh = splitWords(normalizeText('我们今天去公园散步，然后在湖边吃午饭。'), 'auto');
    expect(zh.length).toBeGreaterThan(5);
    const ja = splitWords(normalizeText('東京は日本の首都であり、世界最大の都市圏を持つ。'), 'auto');
    expect(ja.length).toBeGreaterThan(5);
    expect(splitWords('hello world', 'auto')).toEqual(['hello', 'world']);
  });
});

describe('MinHasher', () => {
  it('gives documents shorter than one shingle no signature', () => {
    const h = new MinHasher(defaults);
    expect(h.signature('')).toBeNull();
    expect(h.signature('only four words here')).toBeNull();
    expect(h.signature('exactly five words are here')).not.toBeNull();
  });

  it('is deterministic and ignores case, punctuation and digits', () => {
    const a = new MinHasher(defaults).bandHashes('The year 1999 was, truly, a Remarkable year for everyone involved.')!;
    const b = new MinHasher(defaults).bandHashes('the year 2024 was truly a remarkable year for everyone involved')!;
    expect([...a]).toEqual([...b]);
  });

  it('estimates Jaccard similarity: the fraction of equal minima tracks the true value', () => {
    const h = new MinHasher({ ...defaults, bands: 32, rows: 16 });
    const words = Array.from({ length: 400 }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)}x`);
    const base = words.join(' ');
    const edited = words.map((w, i) => (i % 10 === 0 ? 'zz' + w : w)).join(' ');
    const sa = h.signature(base)!, sb = h.signature(edited)!;
    let equal = 0;
    for (let k = 0; k < h.numPerm; k++) if (sa[2 * k] === sb[2 * k] && sa[2 * k + 1] === sb[2 * k + 1]) equal++;
    const truth = jaccard(shingleSet(h, base), shingleSet(h, edited));
    expect(Math.abs(equal / h.numPerm - truth)).toBeLessThan(0.1);
  });

  it('has the catch probabilities the FineWeb setting promises', () => {
    expect(lshCatchProbability(0.7, 14, 8)).toBeCloseTo(0.56, 2);
    expect(lshCatchProbability(0.85, 14, 8)).toBeCloseTo(0.988, 3);
  });
});

describe('the one-pass word hasher', () => {
  it('gives the same word hashes as hashing the words of the normalized text', async () => {
    const { WordHasher } = await import('../../pipeline/dedup/minhash/word-hashes.js');
    const { hashString32 } = await import('../../lib/hash32.js');
    const texts = [
      'Hello, World!! 1,000,000 dollars -- in 1999: a12b UPPER lower\tTabs\nNewlines  ',
      "It's 5 o'clock; x=3+4*2 [edit] {json} <tag> ~tilde~ `tick` _under_score_ |pipe|",
      'Café naïve RÉSUMÉ — “quoted” text with ümlauts and 12½ digits ٣٤ (Arabic-Indic)',
      'Mixed 東京 and English words in one line',
      'ΟΔΟΣ ΣΟΦΟΣ Σ and σ', 'İstanbul Ǆemal ẞtraße Ωhm Åström', 'emoji 😀 family 👨‍👩‍👧 math 𝐀𝐁𝐂 lone \uD800x end',
      'co\u00ADoperate zero\u200Dwidth a\u00A0b e\u0301\u0301x \u0301abc', '١٢٣ and 4٥6 and ½ ² ①', '한국어 텍스트 ПРИВЕТ мир ﬁ',
      'odd', 'ab', '', '   ', '!!!',
    ];
    const flags = [true, false];
    const combos = flags.flatMap((lowercase) => flags.flatMap((numbers) => flags.flatMap((punctuation) => flags.map((diacritics) => ({ lowercase, numbers, punctuation, diacritics })))));
    for (const [normalization, mode] of combos.flatMap((c) => (['auto', 'whitespace', 'intl'] as const).map((m) => [c, m] as const))) {
      const wh = new WordHasher(normalization, mode, 11, 22);
      for (const t of texts) {
        const words = splitWords(normalizeText(t, normalization), mode);
        const n = wh.hash(t);
        expect(n).toBe(words.length);
        expect([...wh.h1.subarray(0, n)]).toEqual(words.map((w) => hashString32(w, 11) | 0));
        expect([...wh.h2.subarray(0, n)]).toEqual(words.map((w) => hashString32(w, 22) | 0));
      }
    }
  });
});

const lingua = new URL('../../../shared/data/langid/lingua-sentences', import.meta.url).pathname;
describe.skipIf(!existsSync(lingua))('the one-pass word hasher on 75 languages (shared data)', () => {
  it('agrees with the string path on every sentence file', async () => {
    const { WordHasher } = await import('../../pipeline/dedup/minhash/word-hashes.js');
    const { hashString32 } = await import('../../lib/hash32.js');
    const wh = new WordHasher(DEFAULT_NORMALIZATION, 'auto', 11, 22);
    const files = readdirSync(lingua).filter((f) => f.endsWith('.txt'));
    expect(files.length).toBeGreaterThan(70);
    for (const f of files) {
      const text = readFileSync(path.join(lingua, f), 'utf8').split('\n').slice(0, 200).join('\n');
      const words = splitWords(normalizeText(text), 'auto');
      const n = wh.hash(text);
      expect(n, f).toBe(words.length);
      expect([...wh.h1.subarray(0, n)], f).toEqual(words.map((w) => hashString32(w, 11) | 0));
    }
  });
});
