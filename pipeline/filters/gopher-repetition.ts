// Gopher repetition rules, deciding as datatrove's GopherRepetitionFilter.filter does
// (datatrove/pipeline/filters/gopher_repetition_filter.py): duplicate paragraphs and lines, the share of
// characters covered by the most frequent 2–4-gram, and by all duplicated 5–10-grams, over the tokens of
// split_into_words (text-stats.ts); lengths in code points, as Python's len.
//
// N-grams are compared as 64-bit hashes of their token hashes in a typed-array hash table, never as
// joined strings: a document of 10^5 words would otherwise build 10^6 temporary strings.

import { z } from 'zod';
import { defineFilter, commonOptions } from './define-filter.js';
import { textStats, computeTextStats, docTokenizer, type TextStats } from './text-stats.js';
import { codePoints, hasAstral, isPySpace } from './py-text.js';
import { languageOption } from './language-option.js';
import { U64Table, RangeDuplicates } from './hash-table.js';

const frac = (d: number | null, what: string) => z.number().nullable().default(d).describe(`${what} (null: rule off)`);

export const gopherRepetitionSchema = z
  .object({
    dupParaFrac: frac(0.3, 'Duplicate paragraphs (split on 2+ newlines) / paragraphs above this fails'),
    dupParaCharFrac: frac(0.2, 'Characters in duplicate paragraphs / all characters above this fails'),
    dupLineFrac: frac(0.3, 'Duplicate lines / lines above this fails'),
    dupLineCharFrac: frac(0.2, 'Characters in duplicate lines / all characters above this fails'),
    topNGrams: z
      .array(z.tuple([z.number().int().min(1), z.number()]))
      .default([[2, 0.2], [3, 0.18], [4, 0.16]])
      .describe('[n, limit]: characters covered by the most frequent n-gram / all characters above limit fails'),
    dupNGrams: z
      .array(z.tuple([z.number().int().min(1), z.number()]))
      .default([[5, 0.15], [6, 0.14], [7, 0.13], [8, 0.12], [9, 0.11], [10, 0.1]])
      .describe('[n, limit]: characters in duplicated n-grams (overlaps counted once) / all characters above limit fails'),
    language: languageOption,
    ...commonOptions,
  })
  .strict();

const table = new U64Table();
const dups = new RangeDuplicates();

/**
 * Duplicate paragraphs of `text.strip().split(/\n{2,}/)` (datatrove's paragraph split, Python's strip),
 * counted over ranges of the text without slicing it. Returns the number of paragraphs; `dups` holds the
 * duplicates (characters in code points when `astral`).
 */
export function paragraphDuplicates(text: string, astral = hasAstral(text)): number {
  let a = 0;
  let b = text.length;
  while (a < b && isPySpace(text.charCodeAt(a))) a++;
  while (b > a && isPySpace(text.charCodeAt(b - 1))) b--;
  dups.reset();
  let count = 1;
  let start = a;
  for (let i = text.indexOf('\n', a); i !== -1 && i < b; i = text.indexOf('\n', i)) {
    let j = i + 1;
    while (j < b && text.charCodeAt(j) === 10) j++;
    if (j - i >= 2) {
      dups.add(start, i);
      count++;
      start = j;
    }
    i = j;
  }
  dups.add(start, b);
  dups.count(text, astral);
  return count;
}

/** Duplicate lines of `text.split(/\n+/)`, as paragraphDuplicates. Returns the number of lines. */
export function lineDuplicates(text: string, astral = hasAstral(text)): number {
  dups.reset();
  let count = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i)) {
    dups.add(start, i);
    count++;
    while (i < text.length && text.charCodeAt(i) === 10) i++;
    start = i;
  }
  dups.add(start, text.length);
  dups.count(text, astral);
  return count;
}
// Scratch arrays of NGrams.count, grown as needed and reused (one document at a time per thread).
let scratchCount = new Int32Array(1024);
let scratchIdx = new Int32Array(1024);
let seen = new Uint8Array(1024);

/** The arrays of one n-gram walk, grown as needed (never shrunk below what a document needed, up to a cap). */
export class NGramBuffers {
  tokA = new Int32Array(0);
  tokB = new Int32Array(0);
  a = new Int32Array(0);
  b = new Int32Array(0);
  prefix = new Int32Array(0);
  cand = new Int32Array(0);

  /** Make room for `n` tokens. */
  fit(n: number): void {
    if (this.cand.length >= n && (this.cand.length <= 1 << 20 || this.cand.length <= 4 * n)) return;
    const cap = Math.max(n, 1024);
    this.tokA = new Int32Array(cap);
    this.tokB = new Int32Array(cap);
    this.a = new Int32Array(cap);
    this.b = new Int32Array(cap);
    this.prefix = new Int32Array(cap + 1);
    this.cand = new Int32Array(cap);
  }
}

/**
 * The n-gram hashes of a document for n = 1, 2, 3, … in turn. Each step extends the (n-1)-gram hashes
 * by one token in place, and n-gram character counts come from prefix sums of token lengths.
 *
 * Pruning: an n-gram can occur twice only if its (n-1)-gram prefix does, so after each counting pass
 * the candidate list `cand` keeps just the positions (ascending) whose n-gram repeats; longer n-grams
 * are hashed, counted and looked up only there. Most pages repeat little, so the passes for n = 3…10
 * touch a small fraction of positions. Results are identical to counting every position (tests compare
 * both on real text).
 */
export class NGrams {
  n = 1;
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** prefix[k] = characters in tokens 0..k-1. */
  readonly prefix: Int32Array;
  readonly total: number;
  /** Candidate positions, ascending: cand[0..nc) may start an n-gram that occurs more than once. */
  readonly cand: Int32Array;
  nc: number;
  /**
   * After `count`: ids[c] numbers the n-gram at cand[c] (equal n-grams, equal ids; 0 ≤ id < distinct).
   * Shared scratch, valid until the next `count` of any NGrams.
   */
  get ids(): Int32Array {
    return scratchIdx;
  }
  distinct = 0;
  private readonly tokA: Int32Array;
  private readonly tokB: Int32Array;
  private readonly prune: boolean;

  /**
   * `buffers`: arrays to reuse (the filter passes its own, valid until its next document); without
   * them every array is allocated for this walk alone.
   */
  constructor(stats: TextStats, prune = true, buffers: NGramBuffers = new NGramBuffers()) {
    const { tokens, text } = stats;
    const total = (this.total = tokens.n);
    buffers.fit(total);
    const { tokA, tokB, a, b, prefix, cand } = buffers;
    // Every token hashed twice (FNV-1a and a multiply-xor variant over its UTF-16 units): two distinct
    // tokens of one document share both 32-bit hashes with probability ~2^-64, so equal hash pairs
    // stand for equal strings, here and for the n-grams built from them.
    prefix[0] = 0;
    for (let k = 0; k < total; k++) {
      let h1 = 0x811c9dc5 | 0;
      let h2 = 0x9747b28c | 0;
      const e = tokens.end[k];
      for (let i = tokens.start[k]; i < e; i++) {
        const c = text.charCodeAt(i);
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = Math.imul(h2 ^ c, 0x5bd1e995);
        h2 ^= h2 >>> 15;
      }
      tokA[k] = a[k] = h1;
      tokB[k] = b[k] = h2;
      prefix[k + 1] = prefix[k] + (stats.astral ? codePoints(text, tokens.start[k], e) : e - tokens.start[k]);
      cand[k] = k;
    }
    this.tokA = tokA;
    this.tokB = tokB;
    this.a = a;
    this.b = b;
    this.prefix = prefix;
    this.cand = cand;
    this.nc = total;
    this.prune = prune;
  }

  /** Number of n-gram positions at the current n. */
  get positions(): number {
    return Math.max(0, this.total - this.n + 1);
  }

  /** Advance to n-grams of length `n` (only forwards). */
  advanceTo(n: number): void {
    if (n < this.n) throw new Error(`NGrams can only grow (at ${this.n}, asked ${n})`);
    const { a, b, tokA, tokB, cand } = this;
    while (this.n < n) {
      const m = this.n; // extend the m-gram at i by token i + m
      const last = this.total - m; // positions ≥ last have no (m+1)-gram
      while (this.nc > 0 && cand[this.nc - 1] >= last) this.nc--;
      for (let c = 0; c < this.nc; c++) {
        const i = cand[c];
        a[i] = Math.imul(a[i] ^ tokA[i + m], 0x01000193) ^ (a[i] >>> 16);
        b[i] = Math.imul(b[i] + tokB[i + m], 0x5bd1e995) ^ (b[i] >>> 13);
      }
      this.n++;
    }
  }

  /**
   * Count the current n-grams at the candidate positions. Returns the highest count and the position of
   * the first n-gram reaching it in insertion order (Counter.most_common's tie rule); keeps as
   * candidates only the positions whose n-gram occurs more than once.
   */
  count(): { best: number; bestAt: number } {
    if (this.positions === 0) return { best: 0, bestAt: 0 };
    const { cand } = this;
    const nc = this.nc;
    if (scratchCount.length < nc) {
      scratchCount = new Int32Array(nc * 2);
      scratchIdx = new Int32Array(nc * 2);
    }
    const counts = scratchCount;
    const idx = scratchIdx; // distinct id of the n-gram at each candidate, in order of first appearance
    const distinct = table.number(this.a, this.b, cand, nc, idx);
    counts.fill(0, 0, distinct);
    // The most common n-gram, ties going to the first to appear (Counter.most_common): ids are in order
    // of appearance, so a later id takes over only with a strictly higher count.
    let best = 0;
    let bestId = 0;
    for (let c = 0; c < nc; c++) {
      const d = idx[c];
      const k = ++counts[d];
      if (k > best || (k === best && d < bestId)) {
        best = k;
        bestId = d;
      }
    }
    let bestAt = 0;
    if (best > 1) {
      for (let c = 0; c < nc; c++) if (idx[c] === bestId) { bestAt = cand[c]; break; }
    }
    this.distinct = distinct;
    if (this.prune) {
      let k = 0;
      for (let c = 0; c < nc; c++) {
        if (counts[idx[c]] > 1) {
          cand[k] = cand[c];
          idx[k++] = idx[c];
        }
      }
      this.nc = k;
    }
    return { best: Math.max(best, 1), bestAt };
  }

  /** Characters of the n-gram at i, tokens joined without separator. */
  chars(i: number): number {
    return this.prefix[i + this.n] - this.prefix[i];
  }
}

/** Characters of the most frequent n-gram times its count (n-gram = tokens joined by one space). */
export function topNGramChars(grams: NGrams, n: number): number {
  grams.advanceTo(n);
  if (grams.positions === 0) return 0;
  const { best, bestAt } = grams.count();
  return best * (grams.chars(bestAt) + (n - 1));
}

/**
 * Characters in duplicated n-grams, scanning left to right: a repeated n-gram counts its characters
 * (tokens joined without separator, as datatrove does) and the scan jumps past it, so overlaps count once.
 * Positions whose n-gram occurs once can never be a repeat, so only candidates are looked up; a
 * candidate inside a jump is skipped, exactly as the scan over every position would skip it.
 */
export function duplicatedNGramChars(grams: NGrams, n: number): number {
  grams.advanceTo(n);
  if (grams.positions === 0) return 0;
  const { best } = grams.count();
  if (best <= 1) return 0;
  const { cand, nc, ids } = grams;
  // The scan's set of n-grams seen, indexed by the ids count() gave: no second round of hashing.
  if (seen.length < grams.distinct) seen = new Uint8Array(grams.distinct * 2);
  seen.fill(0, 0, grams.distinct);
  let chars = 0;
  let next = 0; // first position the scan may look at (after the last jump)
  for (let c = 0; c < nc; c++) {
    const i = cand[c];
    if (i < next) continue;
    if (seen[ids[c]] === 1) {
      chars += grams.chars(i);
      next = i + n;
    } else seen[ids[c]] = 1;
  }
  return chars;
}

/** n-gram limits in ascending n, as NGrams can only grow. */
function ascending(limits: readonly (readonly [number, number])[]): [number, number][] {
  return [...limits].map((x) => [x[0], x[1]] as [number, number]).sort((x, y) => x[0] - y[0]);
}

export interface RepetitionStats {
  dupParaFrac: number;
  dupParaCharFrac: number;
  dupLineFrac: number;
  dupLineCharFrac: number;
  topNGram: Record<number, number>;
  dupNGram: Record<number, number>;
}

/** All repetition fractions of a text (for tests and inspection; the filter stops at the first failure). */
export function repetitionStats(text: string, opts = gopherRepetitionSchema.parse({})): RepetitionStats {
  const stats = computeTextStats(text, 'english');
  const len = (stats.astral ? codePoints(text, 0, text.length) : text.length) || 1;
  const paras = paragraphDuplicates(text);
  const dupParaFrac = dups.elements / paras;
  const dupParaCharFrac = dups.chars / len;
  const lines = lineDuplicates(text);
  const out: RepetitionStats = {
    dupParaFrac,
    dupParaCharFrac,
    dupLineFrac: dups.elements / lines,
    dupLineCharFrac: dups.chars / len,
    topNGram: {},
    dupNGram: {},
  };
  let grams = new NGrams(stats);
  for (const [n] of ascending(opts.topNGrams)) out.topNGram[n] = topNGramChars(grams, n) / len;
  grams = new NGrams(stats);
  for (const [n] of ascending(opts.dupNGrams)) out.dupNGram[n] = duplicatedNGramChars(grams, n) / len;
  return out;
}

/** The filter's n-gram arrays, reused from document to document. */
const walk = new NGramBuffers();

export const gopherRepetition = defineFilter({
  type: 'gopher_repetition',
  description: 'Gopher repetition rules: duplicate paragraphs/lines, top 2–4-gram and duplicated 5–10-gram character fractions',
  schema: gopherRepetitionSchema,
  build(o) {
    const top = ascending(o.topNGrams);
    const dup = ascending(o.dupNGrams);
    // One shared n-gram walk when the top-n and duplicated-n lengths follow each other (2–4, then 5–10).
    const oneWalk = top.length === 0 || dup.length === 0 || top[top.length - 1][0] <= dup[0][0];
    return (doc) => {
      const text = doc.text;
      if (text.length === 0) return true; // nothing repeats in nothing; the length filter handles empties
      const astral = hasAstral(text);
      const len = astral ? codePoints(text, 0, text.length) : text.length;
      const paras = paragraphDuplicates(text, astral);
      if (o.dupParaFrac !== null && dups.elements / paras > o.dupParaFrac) return 'dup_para_frac';
      if (o.dupParaCharFrac !== null && dups.chars / len > o.dupParaCharFrac) return 'dup_para_char_frac';
      const lines = lineDuplicates(text, astral);
      if (o.dupLineFrac !== null && dups.elements / lines > o.dupLineFrac) return 'dup_line_frac';
      if (o.dupLineCharFrac !== null && dups.chars / len > o.dupLineCharFrac) return 'dup_line_char_frac';
      const stats = textStats(doc, docTokenizer(doc, o.language));
      let grams = new NGrams(stats, true, walk);
      for (const [n, limit] of top) if (topNGramChars(grams, n) / len > limit) return `top_${n}_gram`;
      if (!oneWalk) grams = new NGrams(stats, true, walk);
      for (const [n, limit] of dup) if (duplicatedNGramChars(grams, n) / len > limit) return `dup_${n}_gram`;
      return true;
    };
  },
});
