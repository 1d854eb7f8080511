// Per-document statistics that several filters need, computed once per text. The cache is a WeakMap
// keyed by the document and checked against the text and the word tokenizer it was computed with, so a
// filter that rewrites `doc.text` (C4 line removal, PII) invalidates it and nothing leaks once the document
// is gone.
//
// Words are counted as datatrove counts them (datatrove/utils/text.py split_into_words, and what its
// filters test on each word): English text with spaCy's English tokenizer rules (spacy-en/), any other
// language with the multilingual tokenizer of words.ts. A token is a *word* when it holds a character
// outside datatrove's PUNCTUATION_SET (GopherQualityFilter's non_symbol_words), *alphabetic* when it holds
// a letter (str.isalpha); lengths are in code points, as Python's len().

import type { Doc } from '../core/doc.js';
import { tokenize, TokenBuffer, ALPHA, WORD, type Tokens } from './words.js';
import { englishTokenize } from './spacy-en/tokenizer.js';
import { tokenFlags } from './punctuation-sets.js';
import { codePoints, hasAstral } from './py-text.js';

/** Which word tokenizer a document gets: spaCy's English rules, or the multilingual one. */
export type WordTokenizer = 'english' | 'multilingual';

// Languages datatrove tokenizes with spaCy's English tokenizer (datatrove/assets/tokenizer_assignment.csv:
// English, and Scots, Frisians and Saterland Frisian by proxy).
const ENGLISH_TOKENIZED = new Set(['en', 'eng', 'sco', 'frr', 'fy', 'fry', 'stq']);

/** The tokenizer for a language code ('en', 'eng', 'en-US', 'eng_Latn', …); none given means English, as datatrove. */
export function tokenizerFor(language: string | null | undefined): WordTokenizer {
  if (!language) return 'english';
  const base = language.toLowerCase().split(/[-_]/)[0];
  return ENGLISH_TOKENIZED.has(base) ? 'english' : 'multilingual';
}

/** The tokenizer a filter uses for `doc`: its `language` option, else the document's meta.language, else English. */
export function docTokenizer(doc: Doc, language: string | null): WordTokenizer {
  if (language !== null) return tokenizerFor(language);
  const meta = doc.meta.language;
  return tokenizerFor(typeof meta === 'string' ? meta : undefined);
}

export interface TextStats {
  text: string;
  tokenizer: WordTokenizer;
  /** Every token (whitespace never is one); flags WORD (a word, not a symbol) and ALPHA (holds a letter). */
  tokens: Tokens;
  /** Word tokens: holding a character outside datatrove's PUNCTUATION_SET. */
  words: number;
  /** Tokens holding at least one letter. */
  alphaTokens: number;
  /** Code points in word tokens. */
  wordChars: number;
  /** The text holds characters outside the BMP: lengths in code points differ from UTF-16 lengths. */
  astral: boolean;
}

const cache = new WeakMap<Doc, TextStats>();

export function textStats(doc: Doc, tokenizer: WordTokenizer = docTokenizer(doc, null)): TextStats {
  const hit = cache.get(doc);
  if (hit && hit.text === doc.text && hit.tokenizer === tokenizer) return hit;
  const stats = computeTextStats(doc.text, tokenizer);
  cache.set(doc, stats);
  return stats;
}

/** The statistics already computed for `doc.text`, if any; never computes. */
export function cachedTextStats(doc: Doc): TextStats | undefined {
  const hit = cache.get(doc);
  return hit && hit.text === doc.text ? hit : undefined;
}

/** Remember `stats` for the document (used once `doc.text` is `stats.text`). */
export function cacheTextStats(doc: Doc, stats: TextStats): void {
  cache.set(doc, stats);
}

const TOKENS = new TokenBuffer();

/** Tokens of text[from, to) with the given tokenizer, appended to `buf`, flags WORD / ALPHA set. */
export function tokensInto(text: string, from: number, to: number, tokenizer: WordTokenizer, buf: TokenBuffer): void {
  // The English tokenizer sets the flags itself; the multilingual one has flags of its own, replaced here.
  if (tokenizer === 'english') return englishTokenize(text, from, to, buf);
  const t = tokenize(from === 0 && to === text.length ? text : text.slice(from, to));
  for (let k = 0; k < t.n; k++) buf.push(from + t.start[k], from + t.end[k], tokenFlags(text, from + t.start[k], from + t.end[k]));
}

export function computeTextStats(text: string, tokenizer: WordTokenizer = 'english'): TextStats {
  TOKENS.reset();
  tokensInto(text, 0, text.length, tokenizer, TOKENS);
  return statsFromTokens(text, tokenizer, TOKENS.tokens());
}

/** The statistics of `text` whose tokens (flags set) are `tokens`. */
export function statsFromTokens(text: string, tokenizer: WordTokenizer, tokens: Tokens): TextStats {
  const astral = hasAstral(text);
  let words = 0;
  let alphaTokens = 0;
  let wordChars = 0;
  for (let k = 0; k < tokens.n; k++) {
    const f = tokens.flags[k];
    if (f & WORD) {
      words++;
      wordChars += astral ? codePoints(text, tokens.start[k], tokens.end[k]) : tokens.end[k] - tokens.start[k];
    }
    if (f & ALPHA) alphaTokens++;
  }
  return { text, tokenizer, tokens, words, alphaTokens, wordChars, astral };
}

/** A piece of a rewritten text: `text` is its new content, or it is the source range [from, to) unchanged. */
export interface Piece {
  from: number;
  to: number;
  /** Where the piece starts in the new text. */
  at: number;
  text?: string;
}

/**
 * The statistics of a text made of whole lines of `src.text` (C4's line removal): tokens never cross a
 * line break and a trimmed line's tokens are those it has in context, so unchanged pieces take their
 * tokens from `src` (shifted) and only rewritten pieces are tokenized again. Equal to
 * `computeTextStats(text)`, without a second pass (and a second Intl.Segmenter run) over the text.
 */
const RESTRICTED = new TokenBuffer();

export function restrictTextStats(src: TextStats, text: string, pieces: readonly Piece[]): TextStats {
  const t = src.tokens;
  const out = RESTRICTED;
  out.reset();
  let k = 0;
  for (const p of pieces) {
    while (k < t.n && t.start[k] < p.from) k++;
    if (p.text === undefined) {
      const shift = p.at - p.from;
      for (; k < t.n && t.start[k] < p.to; k++) out.push(t.start[k] + shift, t.end[k] + shift, t.flags[k]);
    } else tokensInto(text, p.at, p.at + p.text.length, src.tokenizer, out);
  }
  return statsFromTokens(text, src.tokenizer, out.tokens());
}

/**
 * Python's `str.splitlines()`: splits on \n, \r, \r\n, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029, and
 * gives no trailing empty line for a final line break.
 */
export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Line breaks of str.splitlines() other than '\n'. */
const RARE_BREAK = /[\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

// The last text tested for RARE_BREAK: gopher_quality and C4 scan the same document one after the other.
let testedText = '';
let testedRare = false;

/** Call `fn(start, end)` for each line of `text` with the same boundaries as `splitLines`. */
export function forEachLine(text: string, fn: (start: number, end: number) => void): void {
  const len = text.length;
  let start = 0;
  if (text !== testedText) {
    testedRare = RARE_BREAK.test(text);
    testedText = text;
  }
  if (!testedRare) {
    // Only '\n' breaks lines (the usual case): the native indexOf finds them.
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
      fn(start, i);
      start = i + 1;
    }
  } else {
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      // \n \v \f \r, \x1c-\x1e, \x85, \u2028, \u2029
      if ((c >= 10 && c <= 13) || (c >= 0x1c && c <= 0x1e) || c === 0x85 || c === 0x2028 || c === 0x2029) {
        fn(start, i);
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        start = i + 1;
      }
    }
  }
  if (start < len) fn(start, len);
}

/** Count duplicate elements and their characters (datatrove's `find_duplicates`: first occurrence is not a duplicate). */
export function findDuplicates(items: readonly string[]): { elements: number; chars: number } {
  const seen = new Set<string>();
  let elements = 0;
  let chars = 0;
  for (const x of items) {
    if (seen.has(x)) {
      elements++;
      chars += x.length;
    } else seen.add(x);
  }
  return { elements, chars };
}
