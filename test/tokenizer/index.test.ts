import { afterAll, describe, expect, it } from 'vitest';
import { get_encoding, type Tiktoken, type TiktokenEncoding } from 'tiktoken';
import { Rng } from '../../lib/rng.js';
import { getEncoding, listEncodings, type Encoding } from '../../tokenizer/index.js';
import { hasWet, wetDocuments } from './real-text.js';

// Loading a vocabulary takes a while (o200k: seconds), so each is loaded once per file.
const opened = new Map<string, Encoding>();
const refs = new Map<string, Tiktoken>();
function open(name: string): Encoding {
  if (!opened.has(name)) opened.set(name, getEncoding(name));
  return opened.get(name)!;
}
function reference(name: string): Tiktoken {
  if (!refs.has(name)) refs.set(name, get_encoding(name as TiktokenEncoding));
  return refs.get(name)!;
}
afterAll(() => {
  opened.forEach((e) => e.free());
  refs.forEach((e) => e.free());
});

/**
 * Random strings over ASCII, Latin, CJK, combining marks, whitespace of all kinds and emoji (astral),
 * plus one character in eight drawn from all Unicode scalar values (assigned or not).
 */
function randomText(rng: Rng, length: number): string {
  const ranges: [number, number][] = [
    [0x20, 0x7f], [0x09, 0x0e], [0xa0, 0x180], [0x300, 0x370], [0x400, 0x460], [0x2000, 0x2030],
    [0x3000, 0x3040], [0x4e00, 0x4e80], [0xac00, 0xac40], [0x1f300, 0x1f650], [0x1f900, 0x1f9ff], [0x85, 0x86], [0xfeff, 0xff00],
  ];
  let s = '';
  for (let i = 0; i < length; i++) {
    if (rng.next() < 0.125) {
      const cp = rng.int(0, 0x110000 - 0x800);
      s += String.fromCodePoint(cp < 0xd800 ? cp : cp + 0x800); // skip the surrogate block
      continue;
    }
    const [lo, hi] = ranges[rng.int(0, ranges.length)];
    s += String.fromCodePoint(rng.int(lo, hi));
  }
  return s;
}

describe('the encoding registry', () => {
  it('lists tiktoken’s built-ins', () => {
    expect(listEncodings()).toEqual(['gpt2', 'r50k_base', 'p50k_base', 'cl100k_base', 'o200k_base']);
  });

  it('rejects an unknown name with the list of known ones', () => {
    expect(() => getEncoding('cl100k')).toThrow(/unknown tokenizer 'cl100k'; known: gpt2, r50k_base, p50k_base, cl100k_base, o200k_base/);
  });

  it('appends [MASK], [BOS], [PAD] after the base vocabulary and pads the embedding to 128', () => {
    const enc = open('cl100k_base');
    expect(enc.vocabSize).toBe(100277);
    expect(enc.eosId).toBe(100257);
    expect(enc.specials).toEqual({ mask: 100277, bos: 100278, pad: 100279 });
    expect(enc.embeddingSize).toBe(100352);
    expect(enc.embeddingSize % 128).toBe(0);
    expect(enc.source).toBe('tiktoken');
    expect(enc.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(enc.describe()).toMatchObject({ name: 'cl100k_base', vocabSize: 100277, eosId: 100257, embeddingSize: 100352 });
  });

  it('gives the ids OpenAI’s tokenizer gives', () => {
    expect([...open('cl100k_base').encode('hello world')]).toEqual([15339, 1917]);
    expect([...open('gpt2').encode('hello world')]).toEqual([31373, 995]);
  });

  it('treats special-token text inside documents as plain text', () => {
    const enc = open('cl100k_base');
    const ids = enc.encode('a<|endoftext|>b');
    expect([...ids]).not.toContain(enc.eosId);
    expect(enc.decode(ids)).toBe('a<|endoftext|>b');
    expect(enc.count('a<|endoftext|>b')).toBe(ids.length);
  });

  it('decodes EOS and the BiGLM specials to their text, and refuses ids that name no token', () => {
    const enc = open('cl100k_base');
    const hi = [...enc.encode('hi')];
    expect(enc.decode([enc.specials.bos, ...hi, enc.specials.mask, enc.eosId, enc.specials.pad])).toBe('[BOS]hi[MASK]<|endoftext|>[PAD]');
    expect(() => enc.decode([100256])).toThrow(RangeError); // a hole between the ranks and EOS
    expect(() => enc.decode([enc.embeddingSize])).toThrow(/id 100352 at position 0 is not a token/);
    expect(() => enc.decode([-1])).toThrow(RangeError);
    // The instance still works after a refused id (tiktoken itself would have trapped).
    expect(enc.decode(hi)).toBe('hi');
  });

  it('frees twice without harm', () => {
    const enc = getEncoding('gpt2');
    enc.free();
    expect(() => enc.free()).not.toThrow();
  });
});

describe('round trips', () => {
  for (const name of ['gpt2', 'cl100k_base', 'o200k_base']) {
    it(`decode(encode(s)) == s for random Unicode strings with emoji (${name})`, () => {
      const enc = open(name);
      const rng = new Rng('tokenizer-roundtrip', name);
      for (let i = 0; i < 300; i++) {
        const s = randomText(rng, rng.int(0, 60));
        const ids = enc.encode(s);
        expect(enc.decode(ids)).toBe(s);
        expect(enc.count(s)).toBe(ids.length);
      }
    });
  }

  // A lone surrogate is not Unicode text and has no UTF-8 form: encoding replaces each one with U+FFFD
  // (what TextEncoder and tiktoken do), so the round trip gives s.toWellFormed().
  it('encodes lone surrogates as U+FFFD, like tiktoken', () => {
    const enc = open('cl100k_base');
    const ref = reference('cl100k_base');
    for (const s of ['a\ud800b', '\udfff', 'x \ud83d', '\ud83d\ude00\ude00 ok', '\ud800\ud800']) {
      const ids = enc.encode(s);
      expect([...ids]).toEqual([...ref.encode_ordinary(s)]);
      expect(enc.decode(ids)).toBe(s.toWellFormed());
      expect(enc.decode(ids)).toBe(s.replace(/[\ud800-\udfff]/gu, '\ufffd'));
    }
  });
});

describe('ids identical to tiktoken’s', () => {
  const tricky = [
    '', ' ', '  \n\n\t x', "I'M here, WE'LL see, they'D go, it'ſ", '1234567 12 3.14159 ٣٤٥ ①②',
    'line\r\nnext\r\n\r\n  indented\n', 'a\u0085b \ufeff c\u00a0\u2003d', '😀👍🏽 👨‍👩‍👧 🇫🇷', 'naïve café ÇA', 'https://example.com/a/b?c=1&d=2//x',
  ];
  for (const name of listEncodings()) {
    it(`matches encode_ordinary on tricky strings and random Unicode (${name})`, () => {
      const enc = open(name);
      const ref = reference(name);
      const rng = new Rng('tokenizer-golden', name);
      const texts = [...tricky];
      for (let i = 0; i < 200; i++) texts.push(randomText(rng, rng.int(1, 80)));
      for (const t of texts) expect([...enc.encode(t)], JSON.stringify(t)).toEqual([...ref.encode_ordinary(t)]);
    });

    it.skipIf(!hasWet)(`matches encode_ordinary on 200 KB of multilingual Common Crawl text (${name})`, () => {
      const enc = open(name);
      const ref = reference(name);
      let tokens = 0;
      for (const doc of wetDocuments(200_000)) {
        const ours = enc.encode(doc);
        const theirs = ref.encode_ordinary(doc);
        expect(ours.length).toBe(theirs.length);
        expect(Buffer.from(ours.buffer, ours.byteOffset, ours.byteLength).equals(Buffer.from(theirs.buffer, theirs.byteOffset, theirs.byteLength))).toBe(true);
        tokens += ours.length;
      }
      expect(tokens).toBeGreaterThan(30_000);
    });
  }
});
