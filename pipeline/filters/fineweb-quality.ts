// FineWeb quality rules, deciding as datatrove's FineWebQualityFilter.filter does
// (datatrove/pipeline/filters/fineweb_quality_filter.py): share of lines ending in terminal punctuation
// (datatrove/utils/text.py TERMINAL_PUNCTUATION: no quotes, no '…'), share of short lines, characters in
// duplicated lines, newlines per word (words of split_into_words, text-stats.ts). Lengths are in code points
// and blank means what Python's str.strip removes, as there.

import { z } from 'zod';
import { defineFilter, commonOptions } from './define-filter.js';
import { textStats, computeTextStats, docTokenizer, type TextStats } from './text-stats.js';
import { RangeDuplicates } from './hash-table.js';
import { TERMINAL_PUNCTUATION } from './punctuation-sets.js';
import { codePoints, hasAstral, isPySpace } from './py-text.js';
import { languageOption } from './language-option.js';

export { TERMINAL_PUNCTUATION };

const frac = (d: number | null, what: string) => z.number().nullable().default(d).describe(`${what} (null: rule off)`);

export const finewebQualitySchema = z
  .object({
    linePunctThr: frac(0.12, 'Fraction of lines ending in terminal punctuation below this fails'),
    linePunctExcludeZero: z.boolean().default(false).describe('Do not fail documents where no line ends in punctuation'),
    stopChars: z.array(z.string().min(1)).default([...TERMINAL_PUNCTUATION]).describe('Line endings that count as terminal punctuation'),
    shortLineThr: frac(0.67, 'Fraction of short lines above this fails'),
    shortLineLength: z.number().int().default(30).describe('Lines of at most this many characters are short'),
    charDuplicatesRatio: frac(0.01, 'Characters in duplicated lines / non-newline characters above this fails'),
    newLineRatio: frac(0.3, 'Newlines per word above this fails'),
    language: languageOption,
    ...commonOptions,
  })
  .strict();

export type FinewebQualityOptions = z.output<typeof finewebQualitySchema>;

export interface FinewebStats {
  lines: number;
  linePunctRatio: number;
  shortLineRatio: number;
  charDupRatio: number;
  newLineRatio: number;
}

const dups = new RangeDuplicates();

interface LineStats {
  lines: number;
  punct: number;
  short: number;
  dupChars: number;
  newlines: number;
}

/**
 * The line statistics: non-blank lines of a split on '\n' (as datatrove), visited as ranges of the text.
 * Blank means only what Python's str.strip removes (the reference keeps `line.strip() != ""`).
 */
function lineStats(text: string, o: FinewebQualityOptions, astral: boolean): LineStats {
  dups.reset();
  let lines = 0;
  let punct = 0;
  let short = 0;
  let newlines = 0;
  for (let a = 0; a <= text.length; ) {
    let b = text.indexOf('\n', a);
    if (b === -1) b = text.length;
    else newlines++;
    let i = a;
    while (i < b && isPySpace(text.charCodeAt(i))) i++;
    if (i < b) {
      lines++;
      if (endsWithAny(text, a, b, o.stopChars)) punct++;
      if ((astral ? codePoints(text, a, b) : b - a) <= o.shortLineLength) short++;
      dups.add(a, b);
    }
    a = b + 1;
  }
  dups.count(text, astral);
  return { lines, punct, short, dupChars: dups.chars, newlines };
}

/** The four FineWeb statistics of a text. */
export function finewebStats(text: string, o: FinewebQualityOptions, stats: TextStats = computeTextStats(text, 'english')): FinewebStats {
  const astral = hasAstral(text);
  const l = lineStats(text, o, astral);
  return { lines: l.lines, ...lineRatios(text, l, astral), newLineRatio: newLineRatio(l, stats) };
}

function lineRatios(text: string, l: LineStats, astral: boolean): { linePunctRatio: number; shortLineRatio: number; charDupRatio: number } {
  const n = l.lines;
  const nonNewline = (astral ? codePoints(text, 0, text.length) : text.length) - l.newlines;
  return {
    linePunctRatio: n ? l.punct / n : 0,
    shortLineRatio: n ? l.short / n : 0,
    charDupRatio: nonNewline ? l.dupChars / nonNewline : 0,
  };
}

function newLineRatio(l: LineStats, stats: TextStats): number {
  return stats.tokens.n ? l.newlines / stats.tokens.n : Infinity;
}

/** Does text[a, b) end with one of `ends`? */
function endsWithAny(text: string, a: number, b: number, ends: readonly string[]): boolean {
  const last = text.charCodeAt(b - 1);
  for (const e of ends) if (e.charCodeAt(e.length - 1) === last && b - a >= e.length && text.startsWith(e, b - e.length)) return true;
  return false;
}

export const finewebQuality = defineFilter({
  type: 'fineweb_quality',
  description: 'FineWeb rules: terminal-punctuation line ratio, short-line ratio, duplicated-line characters, newlines per word',
  schema: finewebQualitySchema,
  build(o) {
    return (doc) => {
      const text = doc.text;
      const astral = hasAstral(text);
      const l = lineStats(text, o, astral);
      if (l.lines === 0) return 'empty';
      const s = lineRatios(text, l, astral);
      if (o.linePunctThr !== null && s.linePunctRatio < o.linePunctThr && !(s.linePunctRatio === 0 && o.linePunctExcludeZero)) return 'line_punct_ratio';
      if (o.shortLineThr !== null && s.shortLineRatio > o.shortLineThr) return 'short_line_ratio';
      if (o.charDuplicatesRatio !== null && s.charDupRatio > o.charDuplicatesRatio) return 'char_dup_ratio';
      // Tokens only for the last rule (the chain has them already; alone, earlier drops never tokenize).
      if (o.newLineRatio !== null && newLineRatio(l, textStats(doc, docTokenizer(doc, o.language))) > o.newLineRatio) return 'list_ratio';
      return true;
    };
  },
});
