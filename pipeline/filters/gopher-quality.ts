// Gopher quality rules (Rae et al. 2021, as datatrove's GopherQualityFilter applies them). Defaults are
// the reference values in ../shared/spec/filters-and-dedup.md; every threshold can be changed or switched
// off with null.

import { z } from 'zod';
import { defineFilter, commonOptions } from './define-filter.js';
import { textStats, computeTextStats, splitLines, type TextStats } from './text-stats.js';
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
    stopWords: z.array(z.string()).default(['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with']).describe('Stop words (compared lowercased)'),
    ...commonOptions,
  })
  .strict();

export type GopherQualityOptions = z.output<typeof gopherQualitySchema>;

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
export function gopherQualityStats(text: string, stopWords: ReadonlySet<string>, stats: TextStats = computeTextStats(text)): GopherQualityStats {
  const { tokens } = stats;
  let wordChars = 0;
  const foundStop = new Set<string>();
  for (let k = 0; k < tokens.n; k++) {
    if (!(tokens.flags[k] & WORD)) continue;
    const len = tokens.end[k] - tokens.start[k];
    wordChars += len;
    if (len <= maxStopLen(stopWords)) {
      const w = text.slice(tokens.start[k], tokens.end[k]).toLowerCase();
      if (stopWords.has(w)) foundStop.add(w);
    }
  }
  const lines = splitLines(text);
  let bullets = 0;
  let ellipsisLines = 0;
  for (const line of lines) {
    const l = line.trimStart();
    if (l.startsWith('•') || l.startsWith('-')) bullets++;
    const r = line.trimEnd();
    if (r.endsWith('...') || r.endsWith('…')) ellipsisLines++;
  }
  const n = tokens.n;
  return {
    tokens: n,
    words: stats.words,
    meanWordLength: stats.words ? wordChars / stats.words : 0,
    hashRatio: n ? count(text, '#') / n : 0,
    ellipsisRatio: n ? (count(text, '...') + count(text, '…')) / n : 0,
    bulletLinesRatio: lines.length ? bullets / lines.length : 0,
    ellipsisLinesRatio: lines.length ? ellipsisLines / lines.length : 0,
    alphaWordsRatio: n ? stats.alphaTokens / n : 0,
    stopWords: foundStop.size,
  };
}

const maxLenCache = new WeakMap<ReadonlySet<string>, number>();
function maxStopLen(words: ReadonlySet<string>): number {
  let m = maxLenCache.get(words);
  if (m === undefined) {
    m = 0;
    for (const w of words) m = Math.max(m, w.length);
    maxLenCache.set(words, m);
  }
  return m;
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
    const stop = new Set(o.stopWords.map((w) => w.toLowerCase()));
    return (doc) => {
      const s = gopherQualityStats(doc.text, stop, textStats(doc));
      if (o.minWords !== null && s.words < o.minWords) return 'too_few_words';
      if (o.maxWords !== null && s.words > o.maxWords) return 'too_many_words';
      if (o.minMeanWordLength !== null && s.meanWordLength < o.minMeanWordLength) return 'mean_word_length';
      if (o.maxMeanWordLength !== null && s.meanWordLength > o.maxMeanWordLength) return 'mean_word_length';
      if (o.maxSymbolWordRatio !== null && s.hashRatio > o.maxSymbolWordRatio) return 'hash_ratio';
      if (o.maxSymbolWordRatio !== null && s.ellipsisRatio > o.maxSymbolWordRatio) return 'ellipsis_ratio';
      if (o.maxBulletLinesRatio !== null && s.bulletLinesRatio > o.maxBulletLinesRatio) return 'bullet_lines';
      if (o.maxEllipsisLinesRatio !== null && s.ellipsisLinesRatio > o.maxEllipsisLinesRatio) return 'ellipsis_lines';
      if (o.minAlphaWordsRatio !== null && s.alphaWordsRatio < o.minAlphaWordsRatio) return 'alpha_words';
      if (o.minStopWords !== null && s.stopWords < o.minStopWords) return 'stop_words';
      return true;
    };
  },
});
