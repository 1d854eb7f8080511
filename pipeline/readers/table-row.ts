// A table row (Arrow, Parquet) as a Doc: the id column when the row has one, else `<file>#<row>`; and the
// reader options the table formats (and JSONL's content format) share.

import { z } from 'zod';
import type { Doc } from '../core/doc.js';
import { sourceName, type InputFile } from '../core/reader.js';

export function tableRowDoc(file: InputFile, index: number, text: string, id: unknown, meta: Record<string, unknown>): Doc {
  return {
    id: id === null || id === undefined ? `${file.path}#${index}` : String(id),
    text,
    source: sourceName(file),
    fileIndex: file.fileIndex,
    position: index,
    meta,
  };
}

/** Whether the text field holds plain text or raw HTML (shared by the JSONL, Arrow and Parquet readers). */
export const contentFormatOption = z
  .enum(['text', 'html'])
  .default('text')
  .describe("'html' when the text field holds raw HTML: documents get meta.content_format = 'html' and the html_extract stage turns them into text.");

/** Options of a columnar reader (Arrow, Parquet); `textDescription` says what the text column is. */
export function tableReaderSchema(textDescription: string) {
  return z
    .object({
      textColumn: z.string().min(1).default('text').describe(textDescription),
      idColumn: z.string().min(1).default('id').describe("Column holding the document id, when the file has it; else the id is '<file>#<row>'."),
      contentFormat: contentFormatOption,
    })
    .strict();
}
