// FineWeb quality rules (datatrove's FineWebQualityFilter): share of lines ending in terminal
// punctuation, share of short lines, characters in duplicated lines, newlines per word.

import { z } from 'zod';
import { defineFilter, commonOptions } from './define-filter.js';
import { textStats, findDuplicates, computeTextStats, type TextStats } from './text-stats.js';

/** Line endings that count as terminal punctuation (datatrove's TERMINAL_PUNCTUATION, main scripts). */
export const TERMINAL_PUNCTUATION = [
  '.', '!', '?', '"', "'", '…', '。', '！', '？', '｡', '．', '‼', '‽', '⁇', '⁈', '⁉',
  '։', '؟', '۔', '।', '॥', '။', '።', '፧', '፨', '᙮', '᠃', '᠉', '⸮', '꓿', '꘎', '꘏', '꛳', '꛷', '﹒', '﹖', '﹗',
];

const frac = (d: number | null, what: string) => z.number().nullable().default(d).describe(`${what} (null: rule off)`);

export const finewebQualitySchema = z
  .object({
    linePunctThr: frac(0.12, 'Fraction of lines ending in terminal punctuation below this fails'),
    linePunctExcludeZero: z.boolean().default(false).describe('Do not fail documents where no line ends in punctuation'),
    stopChars: z.array(z.string().min(1)).default(TERMINAL_PUNCTUATION).describe('Line endings that count as terminal punctuation'),
    shortLineThr: frac(0.67, 'Fraction of short lines above this fails'),
    shortLineLength: z.number().int().default(30).describe('Lines of at most this many characters are short'),
    charDuplicatesRatio: frac(0.01, 'Characters in duplicated lines / non-newline characters above this fails'),
    newLineRatio: frac(0.3, 'Newlines per word above this fails'),
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

/** The four FineWeb statistics of a text (non-blank lines of a split on '\n', as datatrove). */
export function finewebStats(text: string, o: FinewebQualityOptions, stats: TextStats = computeTextStats(text)): FinewebStats {
  const all = text.split('\n');
  const lines = all.filter((l) => l.trim() !== '');
  const n = lines.length;
  let punct = 0;
  let short = 0;
  for (const line of lines) {
    if (endsWithAny(line, o.stopChars)) punct++;
    if (line.length <= o.shortLineLength) short++;
  }
  const nonNewline = text.length - (all.length - 1);
  return {
    lines: n,
    linePunctRatio: n ? punct / n : 0,
    shortLineRatio: n ? short / n : 0,
    charDupRatio: nonNewline ? findDuplicates(lines).chars / nonNewline : 0,
    newLineRatio: stats.tokens.n ? (all.length - 1) / stats.tokens.n : Infinity,
  };
}

function endsWithAny(line: string, ends: readonly string[]): boolean {
  const last = line.charCodeAt(line.length - 1);
  for (const e of ends) if (e.charCodeAt(e.length - 1) === last && line.endsWith(e)) return true;
  return false;
}

export const finewebQuality = defineFilter({
  type: 'fineweb_quality',
  description: 'FineWeb rules: terminal-punctuation line ratio, short-line ratio, duplicated-line characters, newlines per word',
  schema: finewebQualitySchema,
  build(o) {
    return (doc) => {
      const s = finewebStats(doc.text, o, textStats(doc));
      if (s.lines === 0) return 'empty';
      if (o.linePunctThr !== null && s.linePunctRatio < o.linePunctThr && !(s.linePunctRatio === 0 && o.linePunctExcludeZero)) return 'line_punct_ratio';
      if (o.shortLineThr !== null && s.shortLineRatio > o.shortLineThr) return 'short_line_ratio';
      if (o.charDuplicatesRatio !== null && s.charDupRatio > o.charDuplicatesRatio) return 'char_dup_ratio';
      if (o.newLineRatio !== null && s.newLineRatio > o.newLineRatio) return 'list_ratio';
      return true;
    };
  },
});
