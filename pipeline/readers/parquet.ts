// Parquet reader on hyparquet: one document per row, text from `textColumn`, the other columns in `meta`.
// The footer is read first, then one row group at a time through a RangedFile (positioned reads), so memory
// is bounded by the largest row group the writer chose, never by the file. hyparquet decodes every page
// format pyarrow, Hugging Face `datasets` and datatrove write: data page v1 and v2, PLAIN / RLE_DICTIONARY /
// DELTA encodings, nested structs and lists; codecs come from `parquet-codecs.ts`.
//
// Damage is contained where the format allows: a footer that does not parse loses the file (its row count
// is in that footer, so the file counts as one record), a row group whose pages do not decode loses that
// row group's rows, and the row groups before and after it are kept.

import { z } from 'zod';
import { parquetMetadataAsync, parquetReadObjects, type FileMetaData } from 'hyparquet';
import type { Doc } from '../core/doc.js';
import { HTML_FORMAT, type InputFile, type ReaderDefinition } from '../core/reader.js';
import type { StageContext } from '../core/stage.js';
import { FileWarnings } from './warn.js';
import { tableReaderSchema, tableRowDoc } from './table-row.js';
import { openRangedFile, type RangedFile } from './ranged-file.js';
import { parquetCompressors } from './parquet-codecs.js';
import { jsonSafe } from './json-safe.js';
import { storageFailure } from './storage-failure.js';

export const parquetSchema = tableReaderSchema("Column holding the document text (the Mizo news shards use 'Article').");

export type ParquetOptions = z.output<typeof parquetSchema>;

const READ = 'read';
const CORRUPT = 'read:corrupt_parquet';
const utf8 = new TextDecoder('utf-8', { fatal: true });

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The byte range a row group's column chunks cover, for warnings (`bytes 4–1048580`). */
function groupBytes(metadata: FileMetaData, g: number): string {
  let from = Infinity;
  let to = 0;
  for (const c of metadata.row_groups[g].columns) {
    const m = c.meta_data;
    if (!m) continue;
    const start = Number(m.dictionary_page_offset ?? m.data_page_offset);
    from = Math.min(from, start);
    to = Math.max(to, start + Number(m.total_compressed_size));
  }
  return Number.isFinite(from) ? `bytes ${from}–${to}` : 'no byte range';
}

/** The top-level column names of the file (the schema's root children). */
function topLevelColumns(metadata: FileMetaData): string[] {
  const names: string[] = [];
  const schema = metadata.schema;
  let i = 1;
  while (i < schema.length) {
    names.push(schema[i].name);
    // Skip the whole subtree of a nested column.
    let pending = schema[i].num_children ?? 0;
    i++;
    while (pending > 0 && i < schema.length) {
      pending += (schema[i].num_children ?? 0) - 1;
      i++;
    }
  }
  return names;
}

export async function* readParquet(file: InputFile, opts: ParquetOptions, ctx: StageContext): AsyncGenerator<Doc> {
  const warnings = new FileWarnings(ctx.log, file.path);
  let handle: RangedFile | undefined;
  try {
    handle = await openRangedFile(file.path);
    const ranged = handle;
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(ranged);
    } catch (e) {
      const failed = storageFailure(e);
      if (failed) {
        ctx.stats.countRead();
        ctx.stats.drop(READ, failed);
        warnings.warn(Math.max(0, ranged.byteLength - 8), failed, `the footer could not be read (${message(e)}); the file is skipped`);
        return;
      }
      // Without the footer there is no schema and no row count: the file is one lost record.
      ctx.stats.countRead();
      ctx.stats.drop(READ, CORRUPT);
      warnings.warn(Math.max(0, ranged.byteLength - 8), CORRUPT, `the Parquet footer does not parse (${message(e)}); the file (${ranged.byteLength} bytes) is skipped`);
      return;
    }
    const columns = topLevelColumns(metadata);
    if (!columns.includes(opts.textColumn)) {
      // A file of another shape among the inputs (or a damaged schema): its rows are counted, not read.
      const rows = metadata.row_groups.reduce((n, g) => n + Number(g.num_rows), 0);
      ctx.stats.countRead(Math.max(1, rows));
      ctx.stats.drop(READ, 'read:no_text_column', Math.max(1, rows));
      warnings.warn(0, 'read:no_text_column', `textColumn '${opts.textColumn}' is not a column of this file; its columns are: ${columns.join(', ')}. Set "textColumn" in the reader options; its ${rows} rows are skipped`);
      return;
    }
    let position = 0;
    for (let g = 0; g < metadata.row_groups.length; g++) {
      ctx.signal.throwIfAborted();
      const groupRows = Number(metadata.row_groups[g].num_rows);
      const groupStart = position;
      position += groupRows;
      let rows: Record<string, unknown>[];
      try {
        rows = await parquetReadObjects({
          file: ranged,
          metadata,
          columns,
          rowStart: groupStart,
          rowEnd: groupStart + groupRows,
          compressors: parquetCompressors,
          utf8: false, // a BYTE_ARRAY column without a STRING annotation stays bytes: the text is decoded strictly below
        });
      } catch (e) {
        const failed = storageFailure(e);
        if (failed) {
          // the object changed or stopped downloading: every later row group would fail the same way
          const rest = metadata.row_groups.slice(g).reduce((n, grp) => n + Number(grp.num_rows), 0);
          ctx.stats.countRead(rest);
          ctx.stats.drop(READ, failed, rest);
          warnings.warn(`row group ${g} (${groupBytes(metadata, g)})`, failed, `${rest} rows from here to the end lost: ${message(e)}`);
          return;
        }
        ctx.stats.countRead(groupRows);
        ctx.stats.drop(READ, CORRUPT, groupRows);
        warnings.warn(`row group ${g} (${groupBytes(metadata, g)})`, CORRUPT, `${groupRows} rows lost: ${message(e)}`);
        continue;
      }
      if (rows.length !== groupRows) {
        // A damaged page can decode to fewer values than the footer promises; count what is missing.
        const missing = Math.max(0, groupRows - rows.length);
        if (missing > 0) {
          ctx.stats.countRead(missing);
          ctx.stats.drop(READ, CORRUPT, missing);
        }
        warnings.warn(`row group ${g} (${groupBytes(metadata, g)})`, CORRUPT, `decoded ${rows.length} rows, the footer says ${groupRows}`);
        rows = rows.slice(0, groupRows);
      }
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r];
        const index = groupStart + r;
        ctx.stats.countRead();
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
          ctx.stats.drop(READ, 'read:null_text');
          warnings.warn(`row ${index}`, 'read:null_text', `column '${opts.textColumn}' is ${text === undefined || text === null ? 'null' : typeof text}`);
          continue;
        }
        const meta: Record<string, unknown> = opts.contentFormat === 'html' ? { content_format: HTML_FORMAT } : {};
        for (const [k, v] of Object.entries(row)) {
          if (k !== opts.textColumn && k !== opts.idColumn && v !== undefined && v !== null) meta[k] = jsonSafe(v);
        }
        const id = row[opts.idColumn];
        yield tableRowDoc(file, index, text, id === undefined || id === null ? id : jsonSafe(id), meta);
      }
    }
  } finally {
    warnings.finish();
    await handle?.close();
  }
}

export const parquetReader: ReaderDefinition<typeof parquetSchema> = {
  format: 'parquet',
  description: 'Parquet files (hyparquet; every codec and page format pyarrow writes): one document per row, row group by row group.',
  extensions: ['.parquet'],
  schema: parquetSchema,
  read: readParquet,
};
