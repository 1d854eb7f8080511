// Parquet reader via parquetjs-lite: one document per row, text from `textColumn`, the other columns in
// `meta`. Reads one row group at a time (memory is bounded by the row group, which the writer chose;
// Hugging Face shards use ~100 MB groups).
//
// parquetjs-lite 0.8.7 can not open files written by today's Arrow/pyarrow as it ships, for two reasons
// we work around here without patching the package:
//  1. ParquetReader's constructor rejects any footer whose `version` is not 1 ("invalid parquet version");
//     parquet-cpp-arrow writes version 2. The page formats we meet are the same (data page v1), so we read
//     the footer ourselves and hand the reader a copy that says 1.
//  2. It knows the PLAIN_DICTIONARY encoding but not RLE_DICTIONARY, its format-2 name for the very same
//     bytes (bit width + RLE/bit-packed indices into the dictionary page). We register the alias.
// SNAPPY works (snappyjs); GZIP works; ZSTD, BROTLI and LZ4 pages do not (the reader says so per file).

import { z } from 'zod';
import parquet, { type ParquetField } from 'parquetjs-lite';
import codecs from 'parquetjs-lite/lib/codec/index.js';
import type { Doc } from '../core/doc.js';
import { HTML_FORMAT, type InputFile, type ReaderDefinition } from '../core/reader.js';
import type { StageContext } from '../core/stage.js';
import { FileWarnings } from './warn.js';
import { localCopy } from './local-copy.js';
import { tableReaderSchema, tableRowDoc } from './table-row.js';

codecs.RLE_DICTIONARY ??= codecs.PLAIN_DICTIONARY;

export const parquetSchema = tableReaderSchema("Column holding the document text (the Mizo news shards use 'Article').");

export type ParquetOptions = z.output<typeof parquetSchema>;

const READ = 'read';
const utf8 = new TextDecoder('utf-8', { fatal: true });
const INTEGER_TYPES = new Set(['INT32', 'INT64', 'INT96']);

/** Plain JSON-able meta values: byte arrays as UTF-8 text, int64 as numbers, dates as ISO strings. */
function plainValue(v: unknown, field: ParquetField | undefined): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.length).toString('utf8');
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  // Dictionary pages come back as strings even for integer columns (parquetjs-lite maps them toString()).
  if (typeof v === 'string' && field?.primitiveType && INTEGER_TYPES.has(field.primitiveType) && /^-?\d+$/.test(v)) return Number(v);
  if (v && typeof v === 'object' && 'toNumber' in v && typeof (v as { toNumber: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return v;
}

function rowCount(n: number | { toNumber(): number }): number {
  return typeof n === 'number' ? n : n.toNumber();
}

export async function* readParquet(file: InputFile, opts: ParquetOptions, ctx: StageContext): AsyncGenerator<Doc> {
  const warnings = new FileWarnings(ctx.log, file.path);
  const local = await localCopy(file.path);
  const env = await parquet.ParquetEnvelopeReader.openFile(local.path).catch(async (e: unknown) => {
    await local.release();
    throw e;
  });
  try {
    await env.readHeader();
    const footer = await env.readFooter();
    const reader = new parquet.ParquetReader({ ...footer, version: 1 }, env); // workaround 1 (see header)
    const schema = reader.getSchema();
    const columns = Object.keys(schema.fields);
    if (!schema.fields[opts.textColumn]) {
      throw new Error(`${file.path}: textColumn '${opts.textColumn}' is not a column of this file; its columns are: ${columns.join(', ')}. Set "textColumn" in the reader options.`);
    }
    const columnList = schema.fieldList.filter((f) => !f.isNested).map((f) => f.path);
    let position = 0;
    for (let g = 0; g < footer.row_groups.length; g++) {
      ctx.signal.throwIfAborted();
      const groupRows = rowCount(footer.row_groups[g].num_rows);
      let rows: Record<string, unknown>[];
      try {
        rows = parquet.ParquetShredder.materializeRecords(schema, await env.readRowGroup(schema, footer.row_groups[g], columnList));
      } catch (e) {
        // parquetjs-lite throws strings as often as Errors. The whole row group is lost: count its rows.
        const why = e instanceof Error ? e.message : String(e);
        ctx.stats.countRead(groupRows);
        ctx.stats.drop(READ, 'read:unreadable_row_group', groupRows);
        warnings.warn(`row group ${g}`, 'read:unreadable_row_group', `${groupRows} rows lost: ${why}`);
        position += groupRows;
        continue;
      }
      for (const row of rows) {
        ctx.stats.countRead();
        const index = position++;
        let text = row[opts.textColumn];
        if (text instanceof Uint8Array) {
          // A BYTE_ARRAY column without the UTF8 annotation (raw payloads, as in flattened WARC files).
          try {
            text = utf8.decode(text);
          } catch {
            ctx.stats.drop(READ, 'read:invalid_utf8');
            warnings.warn(`row ${index}`, 'read:invalid_utf8', `column '${opts.textColumn}' is not valid UTF-8`);
            continue;
          }
        }
        if (typeof text !== 'string') {
          ctx.stats.drop(READ, 'read:missing_text');
          warnings.warn(`row ${index}`, 'read:missing_text', `column '${opts.textColumn}' is ${text === undefined || text === null ? 'null' : typeof text}`);
          continue;
        }
        const meta: Record<string, unknown> = opts.contentFormat === 'html' ? { content_format: HTML_FORMAT } : {};
        for (const [k, v] of Object.entries(row)) {
          if (k !== opts.textColumn && k !== opts.idColumn && v !== undefined) meta[k] = plainValue(v, schema.fields[k]);
        }
        const id = row[opts.idColumn];
        yield tableRowDoc(file, index, text, id === undefined || id === null ? id : plainValue(id, schema.fields[opts.idColumn]), meta);
      }
    }
  } finally {
    warnings.finish();
    await env.close();
    await local.release();
  }
}

export const parquetReader: ReaderDefinition<typeof parquetSchema> = {
  format: 'parquet',
  description: 'Parquet files (parquetjs-lite; SNAPPY/GZIP/uncompressed pages): one document per row.',
  extensions: ['.parquet'],
  schema: parquetSchema,
  read: readParquet,
};
