// C4 quality rules (Raffel et al. 2020), deciding as datatrove's C4QualityFilter.filter does
// (datatrove/pipeline/filters/c4_filters.py): line by line, in its order — a word over 1000 characters
// removes the line; citation markers are removed; no terminal punctuation (or an ellipsis) removes it; fewer
// than 3 whitespace-separated words removes it; "lorem ipsum" drops the document; "javascript" removes the
// line; '{' drops the document; cookie / policy phrases remove the line; then the kept line's sentences are
// counted with datatrove's sentence splitter (spaCy's sentencizer over the line's words, spacy-en/), and a
// document with fewer than 5 in all is dropped. So "lorem ipsum" and '{' count only in lines that passed
// the rules before them, as there. A transform: kept documents carry the cleaned text. FineWeb runs it with
// `filterNoTerminalPunct: false`.

import { z } from 'zod';
import { defineTransform, commonOptions, drop } from './define-filter.js';
import { forEachLine, cacheTextStats, cachedTextStats, restrictTextStats, computeTextStats, statsFromTokens, docTokenizer, tokensInto, type Piece, type TextStats, type WordTokenizer } from './text-stats.js';
import { TokenBuffer, type Tokens } from './words.js';
import { sentences } from './spacy-en/sentencizer.js';
import { codePoints, isPySpace } from './py-text.js';
import { languageOption } from './language-option.js';

export const c4QualitySchema = z
  .object({
    splitParagraph: z.boolean().default(true).describe('Work on lines (true) or on sentences (false)'),
    removeCitations: z.boolean().default(true).describe('Remove citation markers like [1], [edit], [citation needed]'),
    filterNoTerminalPunct: z.boolean().default(true).describe("Drop lines that do not end in . ? ! \" ' (or end in '...'); FineWeb: false"),
    minNumSentences: z.number().int().nullable().default(5).describe('Documents with fewer sentences (in kept lines) fail (null: off)'),
    minWordsPerLine: z.number().int().nullable().default(3).describe('Drop lines with fewer whitespace-separated words (null: off)'),
    maxWordLength: z.number().int().nullable().default(1000).describe('Drop lines holding a longer word (null: off)'),
    filterLoremIpsum: z.boolean().default(true).describe("Documents with 'lorem ipsum' in a line that passed the rules before fail"),
    filterJavascript: z.boolean().default(true).describe("Drop lines containing 'javascript'"),
    filterCurlyBracket: z.boolean().default(true).describe("Documents with '{' in a line that passed the rules before fail"),
    filterPolicy: z.boolean().default(true).describe('Drop cookie / terms-of-use / privacy-policy lines'),
    policySubstrings: z
      .array(z.string())
      .default(['terms of use', 'privacy policy', 'cookie policy', 'uses cookies', 'use of cookies', 'use cookies'])
      .describe('Lowercase substrings that mark a policy line'),
    language: languageOption,
    ...commonOptions,
  })
  .strict();

export type C4QualityOptions = z.output<typeof c4QualitySchema>;

// CITATION_REGEX of c4_filters.py; Python's \d is any Unicode digit.
const CITATION = /\[\p{Nd}*\]|\[edit\]|\[citation needed\]/gu;
/** Ends in . ? ! " or ' (C4's END_PUNCTUATION). */
function endsWithTerminal(c: number): boolean {
  return c === 46 || c === 63 || c === 33 || c === 34 || c === 39;
}

const WORDS = { count: 0, longest: 0 };
/** Python's `line.split()` on text[a, b): how many words, and the longest in code points. */
function splitWords(text: string, a: number, b: number): { count: number; longest: number } {
  let count = 0;
  let longest = 0;
  let start = -1;
  for (let i = a; i <= b; i++) {
    if (i === b || isPySpace(text.charCodeAt(i))) {
      if (start >= 0) {
        count++;
        // UTF-16 length first: code points are counted only near the limit that matters (1000).
        let len = i - start;
        if (len > longest && len > 500) len = codePoints(text, start, i);
        if (len > longest) longest = len;
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  WORDS.count = count;
  WORDS.longest = longest;
  return WORDS;
}

/** Line ranges [start, end) of `text`, pairwise, with Python's splitlines boundaries. */
function lineRanges(text: string): number[] {
  const out: number[] = [];
  forEachLine(text, (a, b) => out.push(a, b));
  return out;
}

/** datatrove's split_into_sentences parts of the whole text, pairwise (used when `splitParagraph` is false). */
function sentenceRanges(stats: TextStats): number[] {
  const breaks: number[] = [];
  sentences(stats.text, stats.tokens, 0, stats.tokens.n, stats.text.length, breaks);
  const out: number[] = [];
  let last = 0;
  for (const b of breaks) {
    out.push(last, b);
    last = b;
  }
  out.push(last, stats.text.length);
  return out;
}

/** Tokens of one line: counted from the text when no statistics were at hand, or cleaned of citation markers. */
const LINE = new TokenBuffer(256);
/** Tokens of the kept lines, at their place in the output (when they were counted line by line). */
const KEPT = new TokenBuffer();

export interface C4Result {
  text: string;
  sentences: number;
  /** Lines removed, by rule. */
  removed: Record<string, number>;
  /** Document-level failure, if any. */
  fail?: 'too_few_sentences' | 'lorem_ipsum' | 'curly_bracket';
  /** The kept lines as pieces of the input (for restrictTextStats). */
  pieces: Piece[];
  /** The output's tokens, when they were counted line by line (no statistics of the input given). */
  tokens?: Tokens;
}

/**
 * Apply the C4 rules to a text. `words` are its statistics (sentences are counted over their tokens), or
 * the tokenizer to count the kept lines' words with, line by line (tokens never cross a line break), when
 * none were computed yet: then the result holds the output's tokens. Pure, so tests can compare line
 * decisions with hand-made expectations.
 */
export function c4Clean(text: string, o: C4QualityOptions, words: TextStats | WordTokenizer = 'english'): C4Result {
  const stats = typeof words === 'string' ? (o.splitParagraph ? undefined : computeTextStats(text, words)) : words;
  const tokenizer = stats?.tokenizer ?? (words as WordTokenizer);
  const byLine = stats === undefined && o.minNumSentences !== null;
  if (byLine) KEPT.reset();
  const ranges = stats === undefined || o.splitParagraph ? lineRanges(text) : sentenceRanges(stats);
  const kept: string[] = [];
  const pieces: Piece[] = [];
  let at = 0; // where the next kept line starts in the joined output
  const removed: Record<string, number> = {};
  const remove = (why: string) => (removed[why] = (removed[why] ?? 0) + 1);
  let count = 0; // sentences in the kept lines
  const failed = (fail: C4Result['fail']): C4Result => ({ text: '', sentences: count, removed, pieces: [], fail });
  let k = 0; // first token of `stats` at or after the current line
  // Lowercase the whole text once: a line is lowercased only when a phrase the rules look for occurs in
  // the text at all (lowercasing does not depend on context), or when removing citations changed it.
  const lowerAll = o.filterJavascript || o.filterPolicy || o.filterLoremIpsum ? text.toLowerCase() : '';
  const anyLorem = o.filterLoremIpsum && lowerAll.includes('lorem ipsum');
  const anyJs = o.filterJavascript && lowerAll.includes('javascript');
  const anyPolicy = o.filterPolicy ? o.policySubstrings.filter((p) => lowerAll.includes(p)) : [];
  const anyCurly = o.filterCurlyBracket && text.includes('{');
  // Next '[' at or after the current line (-1: none left), so lines without one are never searched.
  let bracket = o.removeCitations ? text.indexOf('[') : -1;
  for (let r = 0; r < ranges.length; r += 2) {
    // The line stripped as Python's str.strip does, kept as a range of `text` until it is kept.
    let a = ranges[r];
    let b = ranges[r + 1];
    while (a < b && isPySpace(text.charCodeAt(a))) a++;
    while (b > a && isPySpace(text.charCodeAt(b - 1))) b--;
    // Words are those of the line before citation markers are removed, as in c4_filters.py.
    const words = splitWords(text, a, b);
    if (o.maxWordLength !== null && words.longest > o.maxWordLength) { remove('too_long_word'); continue; }
    const wordCount = words.count;
    let cleaned: string | undefined; // the line with citation markers removed, when there were any
    if (bracket !== -1 && bracket < a) bracket = text.indexOf('[', a);
    if (bracket !== -1 && bracket < b) {
      const line = text.slice(a, b);
      const c = line.replace(CITATION, '');
      if (c !== line) cleaned = c;
    }
    if (o.filterNoTerminalPunct) {
      const terminal = cleaned === undefined
        ? b > a && endsWithTerminal(text.charCodeAt(b - 1)) && !(b - a >= 3 && text.startsWith('...', b - 3))
        : endsWithTerminal(cleaned.charCodeAt(cleaned.length - 1)) && !cleaned.endsWith('...');
      if (!terminal) { remove('no_terminal_punct'); continue; }
    }
    if (o.minWordsPerLine !== null && wordCount < o.minWordsPerLine) { remove('too_few_words'); continue; }
    const line = cleaned ?? text.slice(a, b);
    const c = cleaned !== undefined;
    const lorem = c ? o.filterLoremIpsum : anyLorem;
    const js = c ? o.filterJavascript : anyJs;
    const policies = c && o.filterPolicy ? o.policySubstrings : anyPolicy;
    if (lorem || js || policies.length || anyCurly) {
      const lower = lorem || js || policies.length ? line.toLowerCase() : '';
      if (lorem && lower.includes('lorem ipsum')) return failed('lorem_ipsum');
      if (js && lower.includes('javascript')) { remove('javascript'); continue; }
      if (anyCurly && line.includes('{')) return failed('curly_bracket');
      if (policies.some((p) => lower.includes(p))) { remove('policy'); continue; }
    }
    if (o.minNumSentences !== null) {
      if (!o.splitParagraph) count++;
      else if (cleaned === undefined && stats !== undefined) {
        const tokens = stats.tokens;
        while (k < tokens.n && tokens.start[k] < a) k++;
        let k1 = k;
        while (k1 < tokens.n && tokens.start[k1] < b) k1++;
        count += Math.max(1, sentences(text, tokens, k, k1, b));
      } else {
        // The line's own tokens: cleaned of citation markers, or the text's line when none were counted.
        const src = cleaned ?? text;
        const from = cleaned === undefined ? a : 0;
        LINE.reset();
        tokensInto(src, from, from + line.length, tokenizer, LINE);
        count += Math.max(1, sentences(src, LINE, 0, LINE.n, from + line.length));
        if (byLine) for (let t = 0; t < LINE.n; t++) KEPT.push(LINE.start[t] - from + at, LINE.end[t] - from + at, LINE.flags[t]);
      }
    }
    kept.push(line);
    pieces.push({ from: a, to: b, at, text: cleaned });
    at += line.length + 1;
  }
  if (o.minNumSentences !== null && count < o.minNumSentences) return failed('too_few_sentences');
  const joined = kept.join(o.splitParagraph ? '\n' : ' ');
  // The joined lines are stripped once more (only empty kept lines can leave whitespace at the ends).
  let lead = 0;
  while (lead < joined.length && isPySpace(joined.charCodeAt(lead))) lead++;
  let end = joined.length;
  while (end > lead && isPySpace(joined.charCodeAt(end - 1))) end--;
  if (lead > 0) for (const p of pieces) p.at -= lead;
  const result: C4Result = { text: joined.slice(lead, end), sentences: count, removed, pieces };
  if (byLine) {
    for (let t = 0; t < KEPT.n; t++) {
      KEPT.start[t] -= lead;
      KEPT.end[t] -= lead;
    }
    result.tokens = KEPT.tokens();
  }
  return result;
}

export const c4Quality = defineTransform({
  type: 'c4_quality',
  description: 'C4 rules: keep lines with terminal punctuation and 3+ words, drop javascript/policy lines and citations; drop documents with < 5 sentences, lorem ipsum or {',
  schema: c4QualitySchema,
  build(o) {
    return (doc, tools) => {
      // The words of the document as the filters before computed them; without them, only the kept
      // lines' words are counted (C4 alone often removes most lines).
      const tokenizer = docTokenizer(doc, o.language);
      const cached = cachedTextStats(doc);
      const stats = cached?.tokenizer === tokenizer ? cached : undefined;
      const r = c4Clean(doc.text, o, stats ?? tokenizer);
      for (const [why, n] of Object.entries(r.removed)) tools.count(`lines_removed:${why}`, n);
      if (r.fail) return drop(r.fail);
      // Later filters get the cleaned text's tokens from the ones already counted, not a second tokenization.
      if (stats) cacheTextStats(doc, restrictTextStats(stats, r.text, r.pieces));
      else if (r.tokens) cacheTextStats(doc, statsFromTokens(r.text, tokenizer, r.tokens));
      return r.text;
    };
  },
});
