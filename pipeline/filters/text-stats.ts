// Per-document statistics that several filters need, computed once per text. The cache is a WeakMap
// keyed by the document and checked against the text it was computed from, so a filter that rewrites
// `doc.text` (C4 line removal, PII) invalidates it and nothing leaks once the document is gone.

import type { Doc } from '../core/doc.js';
import { tokenize, WORD, ALPHA, type Tokens } from './words.js';

export interface TextStats {
  text: string;
  tokens: Tokens;
  /** Tokens holding at least one word character (the language-aware word count). */
  words: number;
  /** Tokens holding at least one letter. */
  alphaTokens: number;
  /** Lazily computed: two independent 32-bit hashes of each token's string (n-grams compare these, not strings). */
  hashes?: { a: Int32Array; b: Int32Array };
}

const cache = new WeakMap<Doc, TextStats>();

export function textStats(doc: Doc): TextStats {
  const hit = cache.get(doc);
  if (hit && hit.text === doc.text) return hit;
  const stats = computeTextStats(doc.text);
  cache.set(doc, stats);
  return stats;
}

export function computeTextStats(text: string): TextStats {
  const tokens = tokenize(text);
  let words = 0;
  let alphaTokens = 0;
  for (let k = 0; k < tokens.n; k++) {
    const f = tokens.flags[k];
    if (f & WORD) words++;
    if (f & ALPHA) alphaTokens++;
  }
  return { text, tokens, words, alphaTokens };
}

/**
 * Hash every token twice (FNV-1a and a multiply-xor variant over its UTF-16 units). Two distinct tokens
 * of one document share both 32-bit hashes with probability ~2^-64: equal hashes stand for equal strings.
 */
export function tokenHashes(stats: TextStats): { a: Int32Array; b: Int32Array } {
  if (stats.hashes) return stats.hashes;
  const { tokens, text } = stats;
  const a = new Int32Array(tokens.n);
  const b = new Int32Array(tokens.n);
  for (let k = 0; k < tokens.n; k++) {
    let h1 = 0x811c9dc5 | 0;
    let h2 = 0x9747b28c | 0;
    for (let i = tokens.start[k], e = tokens.end[k]; i < e; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    a[k] = h1;
    b[k] = h2;
  }
  return (stats.hashes = { a, b });
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
