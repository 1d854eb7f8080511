// Text normalization and shingle units shared by exact and MinHash dedup (datatrove's `simplify_text`
// defaults): lowercase, digit runs → 0, punctuation → space, collapsed whitespace, diacritics stripped
// via NFD. Scripts written without spaces (Chinese, Japanese, Thai, …) are cut into words with
// `Intl.Segmenter`, or the caller asks for character shingles.

import { z } from 'zod';

export const normalizationSchema = z
  .object({
    lowercase: z.boolean().default(true).describe('Lowercase the text before hashing.'),
    numbers: z.boolean().default(true).describe('Replace every run of digits by a single 0 (years, prices, counters stop mattering).'),
    punctuation: z.boolean().default(true).describe('Replace punctuation and symbols by spaces.'),
    diacritics: z.boolean().default(true).describe('Strip combining marks after NFD decomposition (café → cafe).'),
  })
  .strict();
export type NormalizationOptions = z.output<typeof normalizationSchema>;
export const DEFAULT_NORMALIZATION: NormalizationOptions = normalizationSchema.parse({});

const NON_ASCII = /[^\x00-\x7f]/;
const MARKS = /\p{M}+/gu;
const DIGITS = /\p{Nd}+/gu;
const PUNCT = /[\p{P}\p{S}\p{Cc}\p{Cf}]+/gu;
const SPACES = /\s+/gu;

/** Normalized text with single spaces between tokens and no leading/trailing space. */
export function normalizeText(text: string, o: NormalizationOptions = DEFAULT_NORMALIZATION): string {
  let t = text;
  // NFD and the \p{M} pass cost a full copy; pure-ASCII text (most web English) has no marks.
  if (o.diacritics && NON_ASCII.test(t)) t = t.normalize('NFD').replace(MARKS, '');
  if (o.lowercase) t = t.toLowerCase();
  if (o.numbers) t = t.replace(DIGITS, '0');
  if (o.punctuation) t = t.replace(PUNCT, ' ');
  return t.replace(SPACES, ' ').trim();
}

export type Segmentation = 'auto' | 'whitespace' | 'intl';

// Scripts that do not put spaces between words: a whitespace split would make one "word" per sentence.
const SPACELESS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;

let segmenter: Intl.Segmenter | undefined;

/**
 * Words of a normalized text. `auto` splits on spaces unless the text contains a spaceless script,
 * then uses the ICU word segmenter (dictionary-based for Chinese/Japanese/Thai).
 */
export function splitWords(normalized: string, mode: Segmentation): string[] {
  if (normalized.length === 0) return [];
  const tokens = normalized.split(' ');
  if (mode === 'whitespace' || (mode === 'auto' && !SPACELESS.test(normalized))) return tokens;
  // Segment each space-separated token on its own: ICU's dictionary segmenter is several times
  // faster on short runs than on one long text, and tokens without a spaceless script need none.
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  const words: string[] = [];
  for (const token of tokens) {
    if (mode === 'auto' && !SPACELESS.test(token)) {
      words.push(token);
      continue;
    }
    for (const s of segmenter.segment(token)) if (s.isWordLike) words.push(s.segment);
  }
  return words;
}

/** Code points of a normalized text (for character shingles); spaces are kept as characters. */
export function splitChars(normalized: string): string[] {
  return Array.from(normalized);
}
