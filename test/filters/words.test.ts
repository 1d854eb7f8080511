import { describe, it, expect } from 'vitest';
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
