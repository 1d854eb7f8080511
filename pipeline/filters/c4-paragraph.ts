// C4 paragraph filter (datatrove's C4ParagraphFilter, from the C4 "news-like" variant): keep a document
// only when it has at least 3 lines of at least 200 characters.

import { z } from 'zod';
import { defineFilter, commonOptions } from './define-filter.js';

export const c4ParagraphSchema = z
  .object({
    minParagraphs: z.number().int().min(1).default(3).describe('Paragraphs (lines) of at least minParagraphLength characters needed'),
    minParagraphLength: z.number().int().min(0).default(200).describe('Characters a line needs to count as a paragraph'),
    lineDelimiter: z.string().min(1).default('\n').describe('What separates paragraphs'),
    ...commonOptions,
  })
  .strict();

/** Number of paragraphs at least `minLength` long (stops counting at `enough`). */
export function longParagraphs(text: string, delimiter: string, minLength: number, enough: number): number {
  let n = 0;
  let start = 0;
  while (start <= text.length && n < enough) {
    let end = text.indexOf(delimiter, start);
    if (end === -1) end = text.length;
    if (end - start >= minLength) n++;
    start = end + delimiter.length;
  }
  return n;
}

export const c4Paragraph = defineFilter({
  type: 'c4_paragraph',
  description: 'Drop documents with fewer than 3 lines of at least 200 characters (C4 news-like)',
  schema: c4ParagraphSchema,
  build(o) {
    return (doc) =>
      longParagraphs(doc.text, o.lineDelimiter, o.minParagraphLength, o.minParagraphs) >= o.minParagraphs ? true : 'too_few_paragraphs';
  },
});
