// Arrow IPC reader (file format `.arrow`/`.feather` v2, and stream format `.ipc`/`.arrows`): one document
// per row, text from `textColumn`, the other columns in `meta`. Record batches are read one at a time from
// a file handle, so memory is bounded by the largest batch.

import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { RecordBatchReader, type RecordBatch } from 'apache-arrow';
import type { Doc } from '../core/doc.js';
import { HTML_FORMAT, type InputFile, type ReaderDefinition } from '../core/reader.js';
import type { StageContext } from '../core/stage.js';
import { FileWarnings } from './warn.js';
import { localCopy } from './local-copy.js';
import { tableReaderSchema, tableRowDoc } from './table-row.js';

export const arrowSchema = tableReaderSchema('Column holding the document text (a Utf8 or LargeUtf8 column).');

export type ArrowOptions = z.output<typeof arrowSchema>;

const READ = 'read';

/** Plain JSON-able meta values: int64 as numbers (or strings past 2^53), nested values via toJSON(). */
function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.length).toString('base64');
  if (v && typeof v === 'object' && 'toJSON' in v && typeof (v as { toJSON: unknown }).toJSON === 'function') {
    return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)));
  }
  return v;
}

export async function* readArrow(file: InputFile, opts: ArrowOptions, ctx: StageContext): AsyncGenerator<Doc> {
  const warnings = new FileWarnings(ctx.log, file.path);
  const local = await localCopy(file.path);
  const fh = await fs.open(local.path, 'r').catch(async (e) => {
    await local.release();
    throw e;
  });
  try {
    const reader = await RecordBatchReader.from(fh);
    await reader.open();
    const names = reader.schema.fields.map((f) => f.name);
    if (!names.includes(opts.textColumn)) {
      throw new Error(`${file.path}: textColumn '${opts.textColumn}' is not a column of this file; its columns are: ${names.join(', ')}. Set "textColumn" in the reader options.`);
    }
    const metaNames = names.filter((n) => n !== opts.textColumn && n !== opts.idColumn);
    let position = 0;
    for await (const batch of reader as AsyncIterable<RecordBatch>) {
      ctx.signal.throwIfAborted();
      const text = batch.getChild(opts.textColumn)!;
      const ids = names.includes(opts.idColumn) ? batch.getChild(opts.idColumn) : null;
      const metaCols = metaNames.map((n) => [n, batch.getChild(n)!] as const);
      for (let i = 0; i < batch.numRows; i++) {
        ctx.stats.countRead();
        const index = position++;
        const t = text.get(i);
        if (typeof t !== 'string') {
          ctx.stats.drop(READ, 'read:missing_text');
          warnings.warn(`row ${index}`, 'read:missing_text', `column '${opts.textColumn}' is ${t === null ? 'null' : typeof t}`);
          continue;
        }
        const meta: Record<string, unknown> = opts.contentFormat === 'html' ? { content_format: HTML_FORMAT } : {};
        for (const [n, col] of metaCols) {
          const v = col.get(i);
          if (v !== null && v !== undefined) meta[n] = plainValue(v);
        }
        const id = ids?.get(i);
        yield tableRowDoc(file, index, t, id === null || id === undefined ? id : plainValue(id), meta);
      }
    }
  } finally {
    warnings.finish();
    await fh.close();
    await local.release();
  }
}

export const arrowReader: ReaderDefinition<typeof arrowSchema> = {
  format: 'arrow',
  description: 'Arrow IPC files and streams (.arrow, .feather v2, .ipc, .arrows): one document per row, batch by batch.',
  extensions: ['.arrow', '.feather', '.ipc', '.arrows'],
  schema: arrowSchema,
  read: readArrow,
};
