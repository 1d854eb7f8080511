// JSONL reader (`.jsonl`, `.jsonl.gz`, `.jsonl.zst`, and dolma's `.json.gz`, which is JSONL too): one JSON
// object per line, the text at `textField` (a dotted path), the id at `idField`, every other field kept in
// `meta`. Lines are split on bytes and each is decoded with a fatal UTF-8 decoder, so invalid UTF-8 is
// caught and dropped instead of being silently replaced.

import { z } from 'zod';
import { contentFormatOption } from './table-row.js';
import type { Doc } from '../core/doc.js';
import { HTML_FORMAT, sourceName, type InputFile, type ReaderDefinition } from '../core/reader.js';
import type { StageContext } from '../core/stage.js';
import { CompressedInputError, openDecompressed } from './decompress.js';
import { splitLines } from './lines.js';
import { FileWarnings } from './warn.js';

export const jsonlSchema = z
  .object({
    textField: z.string().min(1).default('text').describe("Field holding the document text; a dotted path reaches into objects (OSCAR: 'content')."),
    idField: z.string().min(1).default('id').describe("Field holding the document id (dotted path); without one the id is '<file>#<line index>'."),
    maxDocumentBytes: z
      .number()
      .int()
      .positive()
      .default(8 << 20)
      .describe(
        'Longest line (bytes) parsed. Longer lines are skipped while streaming, never held whole, and dropped as ' +
          'read:document_too_large: a single 50 MB line (a dumped book, a base64 blob) would otherwise cost ~3x its size in ' +
          'string and object memory per worker. 8 MiB keeps every real web page and nearly every book.',
      ),
    contentFormat: contentFormatOption,
  })
  .strict();

export type JsonlOptions = z.output<typeof jsonlSchema>;

const READ = 'read';
const utf8 = new TextDecoder('utf-8', { fatal: true });

function getPath(obj: Record<string, unknown>, path: string): unknown {
  if (!path.includes('.')) return obj[path];
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Remove a dotted path from the object (so the text is not stored twice in meta). */
function deletePath(obj: Record<string, unknown>, path: string): void {
  const keys = path.split('.');
  let cur: unknown = obj;
  for (const key of keys.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return;
    cur = (cur as Record<string, unknown>)[key];
  }
  if (cur !== null && typeof cur === 'object') delete (cur as Record<string, unknown>)[keys[keys.length - 1]];
}

/**
 * Fill the standard meta keys from the layouts the big corpora use, when the record has no top-level one:
 * OSCAR keeps the WARC headers under `warc_headers`, dolma/CCNet put `url` under `metadata`.
 */
function liftKnownMeta(meta: Record<string, unknown>): void {
  const warc = meta.warc_headers as Record<string, unknown> | undefined;
  const md = meta.metadata as Record<string, unknown> | undefined;
  const pick = (...vals: unknown[]) => vals.find((v) => typeof v === 'string' && v !== '');
  if (meta.url === undefined) {
    const url = pick(warc?.['warc-target-uri'], md && typeof md === 'object' ? md.url : undefined);
    if (url) meta.url = url;
  }
  if (meta.date === undefined && warc) {
    const date = pick(warc['warc-date']);
    if (date) meta.date = date;
  }
  if (meta.record_id === undefined && warc) {
    const rid = pick(warc['warc-record-id']);
    if (typeof rid === 'string') meta.record_id = rid.replace(/^<(.*)>$/, '$1');
  }
  if (meta.content_language === undefined && warc) {
    const lang = pick(warc['warc-identified-content-language']);
    if (lang) meta.content_language = lang;
  }
}

/**
 * One JSON record as a document: the text at `textField`, the id at `idField`, every other field in `meta`
 * (shared with the JSON-array reader); `missing` says what is wrong when the record has no string text.
 */
export function jsonRecordDoc(
  obj: Record<string, unknown>,
  file: InputFile,
  index: number,
  opts: Pick<JsonlOptions, 'textField' | 'idField' | 'contentFormat'>,
): Doc | { missing: string } {
  const text = getPath(obj, opts.textField);
  if (typeof text !== 'string') {
    return { missing: `field '${opts.textField}' is ${text === undefined ? 'missing' : `a ${text === null ? 'null' : typeof text}, not a string`}` };
  }
  const rawId = getPath(obj, opts.idField);
  deletePath(obj, opts.textField);
  if (rawId !== undefined && !opts.idField.includes('.')) delete obj[opts.idField];
  liftKnownMeta(obj);
  if (opts.contentFormat === 'html') obj.content_format = HTML_FORMAT;
  return {
    id: typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : `${file.path}#${index}`,
    text,
    source: sourceName(file),
    fileIndex: file.fileIndex,
    position: index,
    meta: obj,
  };
}

export async function* readJsonl(file: InputFile, opts: JsonlOptions, ctx: StageContext): AsyncGenerator<Doc> {
  const warnings = new FileWarnings(ctx.log, file.path);
  const input = await openDecompressed(file.path);
  let position = 0;
  let lastLine = 0;
  // Warnings read `file:LINE: what (byte OFFSET)`, like a compiler's.
  const bad = (line: { lineNo: number; offset: number }, reason: string, message: string) => {
    ctx.stats.drop(READ, `read:${reason}`);
    warnings.warn(line.lineNo, `read:${reason}`, `${message} (byte ${line.offset})`);
  };
  try {
    for await (const line of splitLines(input.chunks, opts.maxDocumentBytes)) {
      lastLine = line.lineNo;
      if (line.bytes !== null && isBlank(line.bytes)) {
        ctx.stats.count(READ, 'blank_lines'); // not a record: a trailing newline, an empty line
        continue;
      }
      if ((position & 1023) === 0) ctx.signal.throwIfAborted();
      ctx.stats.countRead();
      const index = position++;
      if (line.bytes === null) {
        bad(line, 'document_too_large', `${line.length} bytes is over maxDocumentBytes (${opts.maxDocumentBytes}); skipped`);
        continue;
      }
      let str: string;
      try {
        str = utf8.decode(line.bytes);
      } catch {
        bad(line, 'invalid_utf8', 'not valid UTF-8');
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(str);
      } catch (e) {
        bad(line, 'invalid_json', `invalid JSON (${(e as Error).message.slice(0, 120)})`);
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        bad(line, 'invalid_json', `a JSON ${Array.isArray(value) ? 'array' : typeof value}, not an object`);
        continue;
      }
      const doc = jsonRecordDoc(value as Record<string, unknown>, file, index, opts);
      if ('missing' in doc) {
        bad(line, 'missing_text', doc.missing);
        continue;
      }
      yield doc;
    }
  } catch (e) {
    if (!(e instanceof CompressedInputError)) throw e;
    // The line being assembled when the stream broke is lost: count it, as a record, under the reason.
    ctx.stats.countRead();
    ctx.stats.drop(READ, `read:${e.reason}`);
    warnings.warn(lastLine + 1, `read:${e.reason}`, `${e.reason.replace('_', ' ')} at compressed byte ${e.offset} (${e.detail}); the rest of the file is lost`);
  } finally {
    warnings.finish();
  }
}

function isBlank(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

export const jsonlReader: ReaderDefinition<typeof jsonlSchema> = {
  format: 'jsonl',
  description: 'JSON Lines (plain, gzip or zstd; dolma .json.gz): one document per line, text at textField.',
  extensions: ['.jsonl', '.jsonl.gz', '.jsonl.zst', '.json.gz', '.json.zst', '.ndjson'],
  schema: jsonlSchema,
  read: readJsonl,
};
