// C4 quality rules (Raffel et al. 2020, as datatrove's C4QualityFilter applies them): line-level
// cleaning (lines without terminal punctuation, short lines, "javascript", cookie/policy boilerplate,
// over-long words, citation markers) and document rules (too few sentences, lorem ipsum, '{').
// A transform: kept documents carry the cleaned text. FineWeb runs it with `filterNoTerminalPunct: false`.

import { z } from 'zod';
import { defineTransform, commonOptions, drop } from './define-filter.js';
import { forEachLine, isTrimmed, cachedTextStats, cacheTextStats, restrictTextStats, type Piece } from './text-stats.js';

export const c4QualitySchema = z
  .object({
    splitParagraph: z.boolean().default(true).describe('Work on lines (true) or on sentences (false)'),
    removeCitations: z.boolean().default(true).describe('Remove citation markers like [1], [edit], [citation needed]'),
    filterNoTerminalPunct: z.boolean().default(true).describe("Drop lines that do not end in . ? ! \" ' (or end in '...'); FineWeb: false"),
    minNumSentences: z.number().int().nullable().default(5).describe('Documents with fewer sentences (in kept lines) fail (null: off)'),
    minWordsPerLine: z.number().int().nullable().default(3).describe('Drop lines with fewer whitespace-separated words (null: off)'),
    maxWordLength: z.number().int().nullable().default(1000).describe('Drop lines holding a longer word (null: off)'),
    filterLoremIpsum: z.boolean().default(true).describe("Documents containing 'lorem ipsum' fail"),
    filterJavascript: z.boolean().default(true).describe("Drop lines containing 'javascript'"),
    filterCurlyBracket: z.boolean().default(true).describe("Documents containing '{' fail"),
    filterPolicy: z.boolean().default(true).describe('Drop cookie / terms-of-use / privacy-policy lines'),
    policySubstrings: z
      .array(z.string())
      .default(['terms of use', 'privacy policy', 'cookie policy', 'uses cookies', 'use of cookies', 'use cookies'])
      .describe('Lowercase substrings that mark a policy line'),
    ...commonOptions,
  })
  .strict();

export type C4QualityOptions = z.output<typeof c4QualitySchema>;

const CITATION = /\[\d*\]|\[edit\]|\[citation needed\]/g;
/** Ends in . ? ! " or ' (C4's END_PUNCTUATION). */
function endsWithTerminal(c: number): boolean {
  return c === 46 || c === 63 || c === 33 || c === 34 || c === 39;
}
const SENTENCE_END = /[.!?。！？]+(?=\s|$)/g;

/** Sentences in a line: runs of . ! ? (。！？) followed by space or end, plus a trailing unterminated piece. */
export function countSentences(line: string): number {
  return scanLine(line, 0, line.length).sentences;
}

function isSentenceEnd(c: number): boolean {
  return c === 46 || c === 33 || c === 63 || c === 0x3002 || c === 0xff01 || c === 0xff1f; // . ! ? 。 ！ ？
}

/** Sentence ranges [start, end) of `text`, pairwise, on the boundaries above (used when `splitParagraph` is false). */
function sentenceRanges(text: string): number[] {
  const out: number[] = [];
  let last = 0;
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(text); m !== null; m = SENTENCE_END.exec(text)) {
    const end = m.index + m[0].length;
    out.push(last, end);
    last = end;
  }
  if (last < text.length) out.push(last, text.length);
  return out;
}

/** Line ranges [start, end) of `text`, pairwise, with Python's splitlines boundaries. */
function lineRanges(text: string): number[] {
  const out: number[] = [];
  forEachLine(text, (a, b) => out.push(a, b));
  return out;
}

const LINE = { words: 0, longest: 0, sentences: 0 };
// ASCII classes for scanLine: Python whitespace, sentence end (. ! ?), letter or digit.
const WHITE = 1;
const END = 2;
const ALNUM = 4;
const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  ASCII[c] = (isWhite(c) ? WHITE : 0) | (isSentenceEnd(c) ? END : 0) | ((c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) ? ALNUM : 0);
}
/** scanLine's class of a code unit: ASCII from the table, the rest by the same predicates (all non-ASCII is ALNUM). */
function classOf(c: number): number {
  return c < 128 ? ASCII[c] : isWhite(c) ? WHITE : isSentenceEnd(c) ? END | ALNUM : ALNUM;
}
/**
 * One pass over text[from, to): whitespace-separated words (Python's str.split()), the longest of them,
 * and sentences (as countSentences counts them). Reuses one result object: no allocation per line.
 */
function scanLine(line: string, from: number, to: number): { words: number; longest: number; sentences: number } {
  let words = 0;
  let longest = 0;
  let start = -1;
  let sentences = 0;
  let wordSince = false; // a letter or digit since the last sentence boundary
  for (let i = from; i <= to; i++) {
    const k = i < to ? classOf(line.charCodeAt(i)) : WHITE;
    if (k & WHITE) {
      if (start >= 0) {
        words++;
        if (i - start > longest) longest = i - start;
        start = -1;
      }
      continue;
    }
    if (start < 0) start = i;
    if (k & END) {
      let j = i + 1;
      while (j < to && classOf(line.charCodeAt(j)) & END) j++;
      if (j >= to || classOf(line.charCodeAt(j)) & WHITE) {
        if (wordSince) sentences++;
        wordSince = false;
      }
      i = j - 1;
      continue;
    }
    if (k & ALNUM) wordSince = true;
  }
  if (wordSince) sentences++;
  LINE.words = words;
  LINE.longest = longest;
  LINE.sentences = sentences;
  return LINE;
}

function isWhite(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 ||
    c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0x85 || (c >= 0x1c && c <= 0x1f);
}

export interface C4Result {
  text: string;
  sentences: number;
  /** Lines removed, by rule. */
  removed: Record<string, number>;
  /** Document-level failure, if any. */
  fail?: 'too_few_sentences' | 'lorem_ipsum' | 'curly_bracket';
  /** The kept lines as pieces of the input (for restrictTextStats). */
  pieces: Piece[];
}

/** Apply the C4 rules to a text. Pure, so tests can compare line decisions with hand-made expectations. */
export function c4Clean(text: string, o: C4QualityOptions): C4Result {
  const ranges = o.splitParagraph ? lineRanges(text) : sentenceRanges(text);
  const kept: string[] = [];
  const pieces: Piece[] = [];
  let at = 0; // where the next kept line starts in the joined output
  const removed: Record<string, number> = {};
  const remove = (why: string) => (removed[why] = (removed[why] ?? 0) + 1);
  let sentences = 0;
  // Lowercase the whole text once: lines are lowercased only when a word the line rules look for occurs at all.
  const lowerAll = o.filterJavascript || o.filterPolicy ? text.toLowerCase() : '';
  const checkJs = o.filterJavascript && lowerAll.includes('javascript');
  const policies = o.filterPolicy ? o.policySubstrings.filter((p) => lowerAll.includes(p)) : [];
  // Next '[' at or after the current line (-1: none left), so lines without one are never searched.
  let bracket = o.removeCitations ? text.indexOf('[') : -1;
  for (let r = 0; r < ranges.length; r += 2) {
    // The line trimmed as String.prototype.trim does, kept as a range of `text` until it is kept.
    let a = ranges[r];
    let b = ranges[r + 1];
    while (a < b && isTrimmed(text.charCodeAt(a))) a++;
    while (b > a && isTrimmed(text.charCodeAt(b - 1))) b--;
    const scan = scanLine(text, a, b);
    const words = scan.words;
    let lineSentences = scan.sentences;
    if (o.maxWordLength !== null && scan.longest > o.maxWordLength) { remove('too_long_word'); continue; }
    let cleaned: string | undefined; // the line with citation markers removed, when there were any
    if (bracket !== -1 && bracket < a) bracket = text.indexOf('[', a);
    if (bracket !== -1 && bracket < b) {
      const line = text.slice(a, b);
      const c = line.replace(CITATION, '');
      if (c !== line) {
        cleaned = c;
        lineSentences = countSentences(c);
      }
    }
    if (o.filterNoTerminalPunct) {
      const terminal = cleaned === undefined
        ? b > a && endsWithTerminal(text.charCodeAt(b - 1)) && !(b - a >= 3 && text.startsWith('...', b - 3))
        : endsWithTerminal(cleaned.charCodeAt(cleaned.length - 1)) && !cleaned.endsWith('...');
      if (!terminal) { remove('no_terminal_punct'); continue; }
    }
    if (o.minWordsPerLine !== null && words < o.minWordsPerLine) { remove('too_few_words'); continue; }
    if (checkJs || policies.length) {
      const lower = (cleaned ?? text.slice(a, b)).toLowerCase();
      if (checkJs && lower.includes('javascript')) { remove('javascript'); continue; }
      if (policies.some((p) => lower.includes(p))) { remove('policy'); continue; }
    }
    if (o.minNumSentences !== null) sentences += o.splitParagraph ? lineSentences : 1;
    const line = cleaned ?? text.slice(a, b);
    kept.push(line);
    pieces.push({ from: a, to: b, at, text: cleaned });
    at += line.length + 1;
  }
  const joined = kept.join(o.splitParagraph ? '\n' : ' ');
  // The joined lines are trimmed once more (only empty kept lines can leave whitespace at the ends).
  let lead = 0;
  while (lead < joined.length && isTrimmed(joined.charCodeAt(lead))) lead++;
  const out = lead === 0 ? joined.trimEnd() : joined.trim();
  if (lead > 0) for (const p of pieces) p.at -= lead;
  const result: C4Result = { text: out, sentences, removed, pieces };
  if (o.minNumSentences !== null && sentences < o.minNumSentences) result.fail = 'too_few_sentences';
  else if (o.filterLoremIpsum && out.toLowerCase().includes('lorem ipsum')) result.fail = 'lorem_ipsum';
  else if (o.filterCurlyBracket && out.includes('{')) result.fail = 'curly_bracket';
  return result;
}

export const c4Quality = defineTransform({
  type: 'c4_quality',
  description: 'C4 rules: keep lines with terminal punctuation and 3+ words, drop javascript/policy lines and citations; drop documents with < 5 sentences, lorem ipsum or {',
  schema: c4QualitySchema,
  build(o) {
    return (doc, tools) => {
      const r = c4Clean(doc.text, o);
      for (const [why, n] of Object.entries(r.removed)) tools.count(`lines_removed:${why}`, n);
      if (r.fail) return drop(r.fail);
      // Later filters get the cleaned text's tokens from the ones already computed, not a second tokenization.
      const before = cachedTextStats(doc);
      if (before) cacheTextStats(doc, restrictTextStats(before, r.text, r.pieces));
      return r.text;
    };
  },
});
