// Gopher repetition rules (datatrove's GopherRepetitionFilter): duplicate paragraphs and lines, the
// share of characters covered by the most frequent 2–4-gram, and by all duplicated 5–10-grams.
//
// N-grams are compared as 64-bit hashes of their token hashes in a typed-array hash table, never as
// joined strings: a document of 10^5 words would otherwise build 10^6 temporary strings.

import { z } from 'zod';
import { defineFilter, commonOptions } from './define-filter.js';
import { textStats, computeTextStats, tokenHashes, findDuplicates, type TextStats } from './text-stats.js';
import { U64Table } from './hash-table.js';

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
    ...commonOptions,
  })
  .strict();

const PARAGRAPH = /\n{2,}/;
const LINE = /\n+/;

const table = new U64Table();

/** Characters of the most frequent n-gram times its count (n-gram = tokens joined by one space). */
export function topNGramChars(stats: TextStats, n: number): number {
  const count = stats.tokens.n - n + 1;
  if (count <= 0) return 0;
  const { a, b } = tokenHashes(stats);
  // Value: count << 0 in one table, first position in a parallel array indexed by insertion.
  table.reset(count);
  const counts = new Int32Array(count);
  const firstPos = new Int32Array(count);
  let distinct = 0;
  for (let i = 0; i < count; i++) {
    gram(a, b, i, n);
    if (table.upsert(H[0], H[1], distinct)) counts[table.get()]++;
    else {
      counts[distinct] = 1;
      firstPos[distinct++] = i;
    }
  }
  // Ties go to the n-gram seen first, like Counter.most_common (insertion order).
  let best = 0;
  let bestAt = 0;
  for (let d = 0; d < distinct; d++) {
    if (counts[d] > best) {
      best = counts[d];
      bestAt = firstPos[d];
    }
  }
  return best * (gramChars(stats, bestAt, n) + (n - 1));
}

/**
 * Characters in duplicated n-grams, scanning left to right: a repeated n-gram counts its characters
 * (tokens joined without separator, as datatrove does) and the scan jumps past it, so overlaps count once.
 */
export function duplicatedNGramChars(stats: TextStats, n: number): number {
  const total = stats.tokens.n;
  if (total - n + 1 <= 0) return 0;
  const { a, b } = tokenHashes(stats);
  table.reset(total - n + 1);
  let chars = 0;
  let i = 0;
  while (i < total - n + 1) {
    gram(a, b, i, n);
    if (table.upsert(H[0], H[1], 0)) {
      chars += gramChars(stats, i, n);
      i += n;
    } else i++;
  }
  return chars;
}

function gramChars(stats: TextStats, i: number, n: number): number {
  let c = 0;
  for (let k = i; k < i + n; k++) c += stats.tokens.end[k] - stats.tokens.start[k];
  return c;
}

/** 64-bit hash (two halves, into H) of the n token hashes starting at i; order matters. */
const H = new Int32Array(2);
function gram(a: Int32Array, b: Int32Array, i: number, n: number): void {
  let x = 0x2545f491 | 0;
  let y = 0x1b873593 | 0;
  for (let k = i; k < i + n; k++) {
    x = Math.imul(x ^ a[k], 0x01000193) ^ (x >>> 16);
    y = Math.imul(y + b[k], 0x5bd1e995) ^ (y >>> 13);
  }
  H[0] = x;
  H[1] = y;
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
  const stats = computeTextStats(text);
  const len = text.length || 1;
  const paras = text.trim().split(PARAGRAPH);
  const p = findDuplicates(paras);
  const lines = text.split(LINE);
  const l = findDuplicates(lines);
  const out: RepetitionStats = {
    dupParaFrac: p.elements / paras.length,
    dupParaCharFrac: p.chars / len,
    dupLineFrac: l.elements / lines.length,
    dupLineCharFrac: l.chars / len,
    topNGram: {},
    dupNGram: {},
  };
  for (const [n] of opts.topNGrams) out.topNGram[n] = topNGramChars(stats, n) / len;
  for (const [n] of opts.dupNGrams) out.dupNGram[n] = duplicatedNGramChars(stats, n) / len;
  return out;
}

export const gopherRepetition = defineFilter({
  type: 'gopher_repetition',
  description: 'Gopher repetition rules: duplicate paragraphs/lines, top 2–4-gram and duplicated 5–10-gram character fractions',
  schema: gopherRepetitionSchema,
  build(o) {
    return (doc) => {
      const text = doc.text;
      if (text.length === 0) return true; // nothing repeats in nothing; the length filter handles empties
      const len = text.length;
      const paras = text.trim().split(PARAGRAPH);
      const p = findDuplicates(paras);
      if (o.dupParaFrac !== null && p.elements / paras.length > o.dupParaFrac) return 'dup_para_frac';
      if (o.dupParaCharFrac !== null && p.chars / len > o.dupParaCharFrac) return 'dup_para_char_frac';
      const lines = text.split(LINE);
      const l = findDuplicates(lines);
      if (o.dupLineFrac !== null && l.elements / lines.length > o.dupLineFrac) return 'dup_line_frac';
      if (o.dupLineCharFrac !== null && l.chars / len > o.dupLineCharFrac) return 'dup_line_char_frac';
      const stats = textStats(doc);
      for (const [n, limit] of o.topNGrams) if (topNGramChars(stats, n) / len > limit) return `top_${n}_gram`;
      for (const [n, limit] of o.dupNGrams) if (duplicatedNGramChars(stats, n) / len > limit) return `dup_${n}_gram`;
      return true;
    };
  },
});
