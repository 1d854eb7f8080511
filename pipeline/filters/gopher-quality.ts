// Gopher quality rules (Rae et al. 2021), deciding as datatrove's GopherQualityFilter.filter does
// (datatrove/pipeline/filters/gopher_quality_filter.py): the rules in its order, words as its
// split_into_words gives them (text-stats.ts), stop words compared case-sensitively and counted distinct
// (`len(self.stop_words.intersection(set(words)))`). Defaults are datatrove's (the Gopher paper's); every
// threshold can be changed or switched off with null.

import { z } from 'zod';
import { defineFilter, commonOptions } from './define-filter.js';
import { textStats, computeTextStats, docTokenizer, forEachLine, type TextStats } from './text-stats.js';
import { languageOption } from './language-option.js';
import { WORD } from './words.js';

const limit = (d: number | null, what: string) => z.number().nullable().default(d).describe(`${what} (null: rule off)`);

export const gopherQualitySchema = z
  .object({
    minWords: limit(50, 'Fewer words than this (pure-symbol tokens not counted) fails'),
    maxWords: limit(100_000, 'More words than this fails'),
    minMeanWordLength: limit(3, 'Mean word length (characters) below this fails'),
    maxMeanWordLength: limit(10, 'Mean word length above this fails'),
    maxSymbolWordRatio: limit(0.1, "Ratio of '#' (and, separately, of ellipses '...'/'…') to tokens above this fails"),
    maxBulletLinesRatio: limit(0.9, "Fraction of lines starting with a bullet ('•' or '-') above this fails"),
    maxEllipsisLinesRatio: limit(0.3, 'Fraction of lines ending with an ellipsis above this fails'),
    minAlphaWordsRatio: limit(0.8, 'Fraction of tokens holding a letter below this fails'),
    minStopWords: limit(2, 'Fewer distinct stop words than this fails'),
    stopWords: z
      .array(z.string())
      .default(['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with'])
      .describe('Stop words, compared with the tokens as they are (case-sensitive, as datatrove)'),
    language: languageOption,
    ...commonOptions,
  })
  .strict();

export interface GopherQualityStats {
  /** All tokens, symbol tokens included (the denominator of the symbol and alpha ratios). */
  tokens: number;
  words: number;
  meanWordLength: number;
  hashRatio: number;
  ellipsisRatio: number;
  bulletLinesRatio: number;
  ellipsisLinesRatio: number;
  alphaWordsRatio: number;
  stopWords: number;
}

/** The statistics the rules look at, exposed so tests (and `inspect`) can compare them with hand counts. */
export function gopherQualityStats(text: string, stopWords: ReadonlySet<string>, stats: TextStats = computeTextStats(text, 'english')): GopherQualityStats {
  const n = stats.tokens.n;
  const l = lineShapes(text);
  return {
    tokens: n,
    words: stats.words,
    meanWordLength: meanWordLength(stats),
    hashRatio: hashRatio(text, n),
    ellipsisRatio: ellipsisRatio(text, n),
    bulletLinesRatio: l.bulletLinesRatio,
    ellipsisLinesRatio: l.ellipsisLinesRatio,
    alphaWordsRatio: alphaRatio(stats),
    stopWords: stopWordCount(stats, stopShape(stopWords)),
  };
}

// No words: NaN, so no bound fails (numpy's mean of nothing, as datatrove computes it).
const meanWordLength = (stats: TextStats) => (stats.words ? stats.wordChars / stats.words : NaN);
const alphaRatio = (stats: TextStats) => (stats.tokens.n ? stats.alphaTokens / stats.tokens.n : 0);
const hashRatio = (text: string, tokens: number) => (tokens ? count(text, '#') / tokens : 0);
const ellipsisRatio = (text: string, tokens: number) => (tokens ? (count(text, '...') + count(text, '…')) / tokens : 0);

/** Distinct stop words among the tokens (exact, case-sensitive matches); stops counting at `enough`. */
function stopWordCount(stats: TextStats, shape: StopShape, enough = shape.words.length): number {
  const { tokens, text } = stats;
  const found = new Uint8Array(shape.words.length);
  let distinct = 0;
  for (let k = 0; k < tokens.n && distinct < enough; k++) {
    const a = tokens.start[k];
    const len = tokens.end[k] - a;
    // Only tokens of a stop word's length and first code unit are compared.
    if (len <= shape.maxLen && shape.lengths[len] === 1 && shape.first[text.charCodeAt(a)] === 1) {
      const w = stopWordAt(text, a, len, shape);
      if (w >= 0 && found[w] === 0) {
        found[w] = 1;
        distinct++;
      }
    }
  }
  return distinct;
}

/** Fractions of lines (Python's splitlines boundaries) starting with a bullet and ending with an ellipsis. */
function lineShapes(text: string): { bulletLinesRatio: number; ellipsisLinesRatio: number } {
  // Lines as index ranges, checked without allocating trimmed copies.
  let lines = 0;
  let bullets = 0;
  let ellipsisLines = 0;
  forEachLine(text, (a, b) => {
    lines++;
    let i = a;
    while (i < b && isSpace(text.charCodeAt(i))) i++;
    const first = text.charCodeAt(i);
    if (i < b && (first === 0x2022 || first === 0x2d)) bullets++; // • or -
    let j = b;
    while (j > a && isSpace(text.charCodeAt(j - 1))) j--;
    if ((j - a >= 1 && text.charCodeAt(j - 1) === 0x2026) || (j - a >= 3 && text.startsWith('...', j - 3))) ellipsisLines++;
  });
  return { bulletLinesRatio: lines ? bullets / lines : 0, ellipsisLinesRatio: lines ? ellipsisLines / lines : 0 };
}

interface StopShape {
  /** The stop words, in set order; `stopWordAt` returns an index into it. */
  words: string[];
  maxLen: number;
  /** lengths[n] = 1 when some stop word has n UTF-16 units. */
  lengths: Uint8Array;
  /** first[u] = 1 for the first code units of the stop words. */
  first: Uint8Array;
}
const shapeCache = new WeakMap<ReadonlySet<string>, StopShape>();
function stopShape(set: ReadonlySet<string>): StopShape {
  let shape = shapeCache.get(set);
  if (!shape) {
    const words = [...set].filter((w) => w.length > 0);
    let maxLen = 0;
    for (const w of words) maxLen = Math.max(maxLen, w.length);
    const lengths = new Uint8Array(maxLen + 1);
    const first = new Uint8Array(65536);
    for (const w of words) {
      lengths[w.length] = 1;
      first[w.charCodeAt(0)] = 1;
    }
    shape = { words, maxLen, lengths, first };
    shapeCache.set(set, shape);
  }
  return shape;
}

/** Index of the stop word equal to text.slice(a, a + len), or -1; compared in place, without slicing. */
function stopWordAt(text: string, a: number, len: number, shape: StopShape): number {
  for (let w = 0; w < shape.words.length; w++) {
    const word = shape.words[w];
    if (word.length === len && text.startsWith(word, a)) return w;
  }
  return -1;
}

/** Python's str.isspace for one UTF-16 unit (what str.strip removes). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f) || c === 0x85 || c === 0xa0 || c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** Non-overlapping occurrences, like Python's str.count. */
export function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

export const gopherQuality = defineFilter({
  type: 'gopher_quality',
  description: 'Gopher quality rules: word count, mean word length, symbol ratios, bullet/ellipsis lines, alphabetic words, stop words',
  schema: gopherQualitySchema,
  build(o) {
    const shape = stopShape(new Set(o.stopWords));
    // Rules in their fixed order, each statistic computed only when its rule is reached: the first
    // failing rule is the reason, exactly as when every statistic is computed first.
    return (doc) => {
      const text = doc.text;
      const st = textStats(doc, docTokenizer(doc, o.language));
      const n = st.tokens.n;
      if (o.minWords !== null && st.words < o.minWords) return 'too_few_words';
      if (o.maxWords !== null && st.words > o.maxWords) return 'too_many_words';
      const mean = meanWordLength(st);
      if (o.minMeanWordLength !== null && mean < o.minMeanWordLength) return 'mean_word_length';
      if (o.maxMeanWordLength !== null && mean > o.maxMeanWordLength) return 'mean_word_length';
      if (o.maxSymbolWordRatio !== null && hashRatio(text, n) > o.maxSymbolWordRatio) return 'hash_ratio';
      if (o.maxSymbolWordRatio !== null && ellipsisRatio(text, n) > o.maxSymbolWordRatio) return 'ellipsis_ratio';
      if (o.maxBulletLinesRatio !== null || o.maxEllipsisLinesRatio !== null) {
        const l = lineShapes(text);
        if (o.maxBulletLinesRatio !== null && l.bulletLinesRatio > o.maxBulletLinesRatio) return 'bullet_lines';
        if (o.maxEllipsisLinesRatio !== null && l.ellipsisLinesRatio > o.maxEllipsisLinesRatio) return 'ellipsis_lines';
      }
      if (o.minAlphaWordsRatio !== null && alphaRatio(st) < o.minAlphaWordsRatio) return 'alpha_words';
      // Counting stops once there are enough distinct stop words.
      if (o.minStopWords !== null && stopWordCount(st, shape, o.minStopWords) < o.minStopWords) return 'stop_words';
      return true;
    };
  },
});
