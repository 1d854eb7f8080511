import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tokenize, WORD, ALPHA } from '../../pipeline/filters/words.js';
import { splitLines, forEachLine, findDuplicates } from '../../pipeline/filters/text-stats.js';

const strings = (text: string) => {
  const t = tokenize(text);
  return Array.from({ length: t.n }, (_, k) => text.slice(t.start[k], t.end[k]));
};

describe('tokenize', () => {
  it('splits words from punctuation runs and keeps contractions and hyphenated words whole', () => {
    expect(strings("Don't stop -- it's a well-known fact... (really?!)")).toEqual([
      "Don't", 'stop', '--', "it's", 'a', 'well-known', 'fact', '...', '(', 'really', '?!)',
    ]);
  });

  it('flags words and letters: numbers are words without letters, symbols are neither', () => {
    const t = tokenize('Year 2024 #');
    expect(Array.from(t.flags.subarray(0, t.n))).toEqual([WORD | ALPHA, WORD, 0]);
  });

  it('handles accents, Cyrillic and emoji as a person reads them', () => {
    expect(strings('Café naïve мир 🙂 ok')).toEqual(['Café', 'naïve', 'мир', '🙂', 'ok']);
  });

  it('segments Japanese with Intl.Segmenter and never throws on lone surrogates', () => {
    expect(strings('東京で会議があります。').length).toBeGreaterThanOrEqual(4);
    expect(strings('a\ud800b \udc00 c')).toEqual(['a', '\ud800', 'b', '\udc00', 'c']);
  });
});

describe('lines', () => {
  it('splits like Python str.splitlines, and forEachLine visits the same lines', () => {
    const text = 'one\r\ntwo\rthree\n\nfour\u2028five\x0bsix\n';
    const expected = ['one', 'two', 'three', '', 'four', 'five', 'six'];
    expect(splitLines(text)).toEqual(expected);
    const seen: string[] = [];
    forEachLine(text, (a, b) => seen.push(text.slice(a, b)));
    expect(seen).toEqual(expected);
    expect(splitLines('')).toEqual([]);
  });

  it('counts duplicates after the first occurrence', () => {
    expect(findDuplicates(['a', 'bb', 'a', 'bb', 'a'])).toEqual({ elements: 3, chars: 4 });
  });
});

// A second, independent statement of the tokenizer's rules: words are runs of letters, marks, digits and
// '_' (an apostrophe or hyphen between two of them stays inside), symbols are runs of anything else that
// is not whitespace, and a word holding a space-less script is cut by Intl.Segmenter run by run.
const RUN = /[\p{L}\p{M}\p{N}_]+(?:['’-][\p{L}\p{M}\p{N}_]+)*|[^\s\p{Cc}\p{Cf}\p{L}\p{M}\p{N}_]+/gu;
const SPACELESS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
function reference(text: string): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (const m of text.matchAll(RUN)) {
    const a = m.index!;
    const flags = (s: string) => (/[\p{L}\p{M}\p{N}_]/u.test(s) ? WORD : 0) | (/\p{L}/u.test(s) ? ALPHA : 0);
    if (!SPACELESS.test(m[0])) out.push([a, a + m[0].length, flags(m[0])]);
    else for (const s of segmenter.segment(m[0])) if (s.isWordLike) out.push([a + s.index, a + s.index + s.segment.length, WORD | flags(s.segment)]);
  }
  return out;
}
const triples = (text: string) => {
  const t = tokenize(text);
  return Array.from({ length: t.n }, (_, k) => [t.start[k], t.end[k], t.flags[k]]);
};

describe('tokenize on mixed scripts', () => {
  const MIXED = [
    '東京タワーは333メートルです。iPhone 15を買いました！「こんにちは」と言った。',
    '我喜欢学习中文，也喜欢Python和C++。北京大学_2024年、上海-浦东。',
    'ผมชอบกินข้าวมาก และเราไปเที่ยวกรุงเทพฯ ด้วยกัน',
    'ພາສາລາວ ភាសាខ្មែរ မြန်မာဘာသာ',
    '\u0301中文 e\u0301東京-タワー’s don\'t 北京_大学 \u0e31\u0e34ไทย\u0e48',
    '中\ud800文 \udc00日本 🙂漢字🙂 𠮷野家',
    'Mixed 日本語 and English, 한국어 too; русский и 中文 together.',
  ];

  it('cuts space-less runs exactly as segmenting each run on its own would', () => {
    for (const text of MIXED) expect(triples(text)).toEqual(reference(text));
    // Many runs in one document: they are segmented in batches, and must not bleed into each other.
    const many = Array.from({ length: 400 }, (_, i) => MIXED[i % MIXED.length]).join('\n');
    expect(triples(many)).toEqual(reference(many));
  });

  const data = fileURLToPath(new URL('../../../shared/data/langid/lingua-sentences', import.meta.url));
  it.skipIf(!existsSync(data))('matches the reference on the Japanese, Chinese and Thai sentences of ../shared/data', () => {
    for (const lang of ['ja', 'zh', 'th']) {
      const lines = readFileSync(`${data}/${lang}.txt`, 'utf8').split('\n');
      for (let i = 0; i < lines.length; i += 100) {
        const text = lines.slice(i, i + 100).join('\n');
        expect(triples(text)).toEqual(reference(text));
      }
    }
  });
});
