// Arrow IPC reader (file format `.arrow`/`.feather` v2, and stream format `.ipc`/`.arrows`): one document
// per row, text from `textColumn`, the other columns in `meta`. Record batches are read one at a time, so
// memory is bounded by the largest batch.
//
// Damage: the file format is the stream format between a leading magic and a trailing footer. When the
// footer (or either magic) does not parse — a truncated file, a bad footer length — the batches are read
// again as a stream from byte 8, so every batch before the damage is kept. A batch that does not decode
// ends the file: the rows read so far are kept, and the rest, whose row count is in the lost messages,
// counts as one `read:corrupt_arrow` record with a warning giving the batch and its byte offset.

import type { promises as fs } from 'node:fs';
import { z } from 'zod';
import { RecordBatchReader, type RecordBatch, type RecordBatchFileReader } from 'apache-arrow';
import type { Doc } from '../core/doc.js';
import { HTML_FORMAT, type InputFile, type ReaderDefinition } from '../core/reader.js';
import type { StageContext } from '../core/stage.js';
import './flatbuffer-guard.js';
import { FileWarnings } from './warn.js';
import { openArrowSource, type ArrowSource } from './arrow-source.js';
import type { StorageChangedError } from '../../storage/index.js';
import { storageFailure } from './storage-failure.js';
import { tableReaderSchema, tableRowDoc } from './table-row.js';

export const arrowSchema = tableReaderSchema('Column holding the document text (a Utf8 or LargeUtf8 column).');

export type ArrowOptions = z.output<typeof arrowSchema>;

const READ = 'read';
const CORRUPT = 'read:corrupt_arrow';
const MAGIC = Buffer.from('ARROW1');

/** Plain JSON-able meta values: int64 as numbers (or strings past 2^53), nested values via toJSON(). */
function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.length).toString('base64');
  if (v && typeof v === 'object' && 'toJSON' in v && typeof (v as { toJSON: unknown }).toJSON === 'function') {
    return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)));
  }
  return v;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Bytes read from a stream so far, so a failure can be placed in the file. */
async function* counted(chunks: AsyncIterable<Buffer>, at: { offset: number }): AsyncGenerator<Buffer> {
  for await (const c of chunks) {
    yield c;
    at.offset += c.length;
  }
}

/**
 * The footer's batch locations must lie inside the file: apache-arrow reads them as they are, and a negative
 * offset makes Node read from the handle's current position, where it loops for ever at end of file.
 */
function checkFooterBlocks(footer: RecordBatchFileReader['footer'] | null, size: number): void {
  if (!footer) throw new Error('no footer');
  const blocks = [
    ...Array.from({ length: footer.numRecordBatches }, (_, i) => footer.getRecordBatch(i)),
    ...Array.from({ length: footer.numDictionaries }, (_, i) => footer.getDictionaryBatch(i)),
  ];
  for (const b of blocks) {
    const offset = Number(b?.offset);
    const end = offset + Number(b?.metaDataLength) + Number(b?.bodyLength);
    if (!b || !(offset >= 8 && b.metaDataLength > 0 && Number(b.bodyLength) >= 0 && end <= size)) {
      throw new Error(`the footer places a record batch at bytes ${offset}–${end}, outside the ${size}-byte file`);
    }
  }
}

/**
 * The file handle apache-arrow reads through, refusing what only damage asks for, where apache-arrow 21
 * would loop for ever: a read outside the file (a damaged length sends it to a negative position, which
 * Node takes as "the current position"), and the same message read again and again (its file reader
 * retries a block whose message is not a record batch without moving on).
 */
function boundedHandle(fh: ArrowSource, size: number) {
  const readsAt = new Map<number, number>();
  return {
    fd: fh.fd,
    stat: async () => ({ size }),
    close: () => Promise.resolve(), // the reader's caller closes it
    read(buffer: Uint8Array, offset: number, length: number, position: number) {
      if (!(Number.isSafeInteger(position) && position >= 0 && position <= size && length >= 0)) {
        return Promise.reject(new RangeError(`damaged Arrow message: a read of ${length} bytes at byte ${position} of a ${size}-byte file`));
      }
      const n = (readsAt.get(position) ?? 0) + 1;
      readsAt.set(position, n);
      if (n > 3) return Promise.reject(new RangeError(`damaged Arrow message at byte ${position}: it does not decode as the record batch the footer places there`));
      return fh.read(buffer, offset, length, position);
    },
  };
}

/** How many rows the text column's buffers really hold (string offsets, or dictionary indices). */
function rowsHeld(chunks: readonly { length: number; valueOffsets?: ArrayLike<unknown>; values?: ArrayLike<unknown> }[]): number {
  let n = 0;
  for (const d of chunks) {
    if (d.valueOffsets) n += Math.max(0, Math.min(d.length, d.valueOffsets.length - 1));
    else if (d.values) n += Math.min(d.length, d.values.length);
    else n += d.length;
  }
  return n;
}

/** Whether the file starts or ends with the file format's magic (then its stream starts at byte 8). */
async function hasFileMagic(source: ArrowSource): Promise<boolean> {
  if (source.size < 8) return false;
  const head = Buffer.alloc(6);
  const tail = Buffer.alloc(6);
  await source.read(head, 0, 6, 0);
  await source.read(tail, 0, 6, source.size - 6);
  return head.equals(MAGIC) || tail.equals(MAGIC);
}

export async function* readArrow(file: InputFile, opts: ArrowOptions, ctx: StageContext): AsyncGenerator<Doc> {
  const warnings = new FileWarnings(ctx.log, file.path);
  // a local file handle, or a remote object read by ranged GETs (arrow-source.ts)
  const fh = await openArrowSource(file.path);
  const size = fh.size;
  let stream: ReturnType<ArrowSource['stream']> | undefined;
  const at = { offset: 0 };
  let position = 0;
  let batchIndex = 0;
  try {
    let reader: RecordBatchReader;
    try {
      reader = await RecordBatchReader.from(boundedHandle(fh, size) as unknown as fs.FileHandle);
      await reader.open();
      if (!reader.schema) throw new Error('no schema message');
      if (reader.isFile()) checkFooterBlocks(reader.footer, size);
    } catch (e) {
      const failed = storageFailure(e);
      if (failed) {
        ctx.stats.countRead();
        ctx.stats.drop(READ, failed);
        warnings.warn((e as StorageChangedError).offset, failed, `${message(e)}; the file is skipped`);
        return;
      }
      const start = (await hasFileMagic(fh)) ? 8 : 0;
      warnings.warn(start, 'stream_fallback', `not a readable Arrow IPC file (${message(e)}); reading its record batches as a stream from byte ${start}`);
      at.offset = start;
      stream = fh.stream(start);
      try {
        reader = await RecordBatchReader.from(counted(stream, at));
        await reader.open();
        if (!reader.schema) throw new Error('no schema message');
      } catch (e2) {
        ctx.stats.countRead();
        ctx.stats.drop(READ, CORRUPT);
        warnings.warn(at.offset, CORRUPT, `no schema could be read (${message(e2)}); the file (${size} bytes) is skipped`);
        return;
      }
    }
    const names = reader.schema.fields.map((f) => f.name);
    if (!names.includes(opts.textColumn)) {
      // A file of another shape among the inputs (or a damaged schema); its row count is not known unread.
      ctx.stats.countRead();
      ctx.stats.drop(READ, 'read:no_text_column');
      warnings.warn(0, 'read:no_text_column', `textColumn '${opts.textColumn}' is not a column of this file; its columns are: ${names.join(', ')}. Set "textColumn" in the reader options; the file is skipped`);
      return;
    }
    const metaNames = names.filter((n) => n !== opts.textColumn && n !== opts.idColumn);
    const batches = (reader as AsyncIterable<RecordBatch>)[Symbol.asyncIterator]();
    for (;;) {
      ctx.signal.throwIfAborted();
      let next: IteratorResult<RecordBatch>;
      try {
        next = await batches.next();
      } catch (e) {
        ctx.stats.countRead();
        const failed = storageFailure(e);
        if (failed) {
          ctx.stats.drop(READ, failed);
          warnings.warn((e as StorageChangedError).offset, failed, `${message(e)}; ${position} rows before it kept, the rest of the file is lost`);
          break;
        }
        ctx.stats.drop(READ, CORRUPT);
        const where = stream ? `${at.offset}` : `batch ${batchIndex}`;
        warnings.warn(where, CORRUPT, `record batch ${batchIndex} does not decode (${message(e)}); ${position} rows before it kept, the rest of the file is lost`);
        break;
      }
      if (next.done) break;
      const batch = next.value;
      batchIndex++;
      const text = batch.getChild(opts.textColumn);
      const held = rowsHeld(text?.data ?? []);
      if (held < batch.numRows) {
        // A damaged row count: the rows past what the buffers hold are not there to read.
        ctx.stats.countRead();
        ctx.stats.drop(READ, CORRUPT);
        warnings.warn(`batch ${batchIndex - 1}`, CORRUPT, `record batch ${batchIndex - 1} claims ${batch.numRows} rows but its text column holds ${held}; the batch is skipped`);
        continue;
      }
      const ids = names.includes(opts.idColumn) ? batch.getChild(opts.idColumn) : null;
      const metaCols = metaNames.map((n) => [n, batch.getChild(n)] as const);
      for (let i = 0; i < batch.numRows; i++) {
        ctx.stats.countRead();
        const index = position++;
        const t = text?.get(i);
        if (typeof t !== 'string') {
          ctx.stats.drop(READ, 'read:null_text');
          warnings.warn(`row ${index}`, 'read:null_text', `column '${opts.textColumn}' is ${t === null || t === undefined ? 'null' : typeof t}`);
          continue;
        }
        const meta: Record<string, unknown> = opts.contentFormat === 'html' ? { content_format: HTML_FORMAT } : {};
        for (const [n, col] of metaCols) {
          const v = col?.get(i);
          if (v !== null && v !== undefined) meta[n] = plainValue(v);
        }
        const id = ids?.get(i);
        yield tableRowDoc(file, index, t, id === null || id === undefined ? id : plainValue(id), meta);
      }
    }
  } finally {
    warnings.finish();
    stream?.destroy();
    await fh.close();
  }
}

export const arrowReader: ReaderDefinition<typeof arrowSchema> = {
  format: 'arrow',
  description: 'Arrow IPC files and streams (.arrow, .feather v2, .ipc, .arrows): one document per row, batch by batch.',
  extensions: ['.arrow', '.feather', '.ipc', '.arrows'],
  schema: arrowSchema,
  read: readArrow,
};
