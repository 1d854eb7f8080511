// JSON reader (`.json`): one JSON array of records, as Hugging Face `Dataset.to_json(lines=False)` and
// pandas `to_json(orient="records")` write it, streamed element by element with stream-json, so a file
// of any size is read in bounded memory (JSON.parse would hold the whole file, and its objects, at once).
// A `.json` file that starts with `{` is JSON Lines under that name (what `to_json()` writes by default)
// and goes to the JSONL reader; `arrayPath` reaches an array inside an object (`{"data": [...]}`).
// Records become documents exactly as JSONL lines do (jsonl.ts, jsonRecordDoc).

import { z } from 'zod';
import { jsonParser } from 'stream-json/core/parser.js';
import pick from 'stream-json/core/filters/pick.js';
import streamArray from 'stream-json/core/streamers/stream-array.js';
import { getManyValues, isMany, none } from 'stream-chain/defs.js';
import type { Doc } from '../core/doc.js';
import type { InputFile, ReaderDefinition } from '../core/reader.js';
import type { StageContext } from '../core/stage.js';
import { CompressedInputError, openDecompressed } from './decompress.js';
import { jsonRecordDoc, jsonlSchema, readJsonl } from './jsonl.js';
import { FileWarnings } from './warn.js';

export const jsonArraySchema = jsonlSchema
  .extend({
    arrayPath: z
      .string()
      .min(1)
      .optional()
      .describe("Dotted path of the array of records inside a top-level object, e.g. 'data' for {\"data\": [...]}. Default: the file is the array."),
  })
  .strict();

export type JsonArrayOptions = z.output<typeof jsonArraySchema>;

const READ = 'read';

/** Bytes of a stream as fatal-UTF-8 text, counting what was consumed, so a parse error names its offset. */
async function* strictText(chunks: AsyncIterable<Buffer>, at: { bytes: number }): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of chunks) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      // The elements before the bad bytes are still read: the chunk's valid start goes on first.
      const valid = validUtf8Prefix(chunk);
      const head = safeDecode(chunk.subarray(0, valid));
      if (head) yield head;
      throw new InvalidText('invalid_utf8', `not valid UTF-8 at byte ${at.bytes + valid}`);
    }
    at.bytes += chunk.length;
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** Length of the start of `b` made of well-formed UTF-8 sequences (lead byte, then its continuation bytes). */
function validUtf8Prefix(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > b.length) return i;
    for (let k = 1; k < n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += n;
  }
  return i;
}

function safeDecode(b: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return ''; // an overlong form or a surrogate in the prefix: nothing of this chunk is trusted
  }
}

/** The input stops being a readable JSON array (the message says how). */
class InvalidText extends Error {
  constructor(
    readonly reason: 'invalid_utf8' | 'invalid_json',
    message: string,
  ) {
    super(message);
  }
}

type Step = (value: unknown) => unknown;
const outputs = (r: unknown): unknown[] => (r === none ? [] : isMany(r) ? getManyValues(r) : [r]);

// Text is fed in small pieces: the parser returns a piece's tokens only when the whole piece parsed, so a
// syntax error loses at most the elements that ended inside its piece (they are "the rest of the file").
const PIECE = 16 << 10;

/** The elements of the array (at `arrayPath`, or the top level), with stream-json's parser and streamer. */
async function* arrayItems(text: AsyncIterable<string>, arrayPath: string | undefined): AsyncGenerator<{ key: number; value: unknown }> {
  const steps: Step[] = [jsonParser() as Step, ...(arrayPath !== undefined ? [pick({ filter: arrayPath }) as Step] : []), streamArray() as Step];
  const run = (input: unknown, from: number): unknown[] => {
    let values = outputs(steps[from](input));
    for (let i = from + 1; i < steps.length; i++) values = values.flatMap((v) => outputs(steps[i](v)));
    return values;
  };
  const flush = (): unknown[] => {
    // Each step flushes after it has taken what the steps before it flushed.
    let values: unknown[] = [];
    for (let i = 0; i < steps.length; i++) {
      values = [...values.flatMap((v) => outputs(steps[i](v))), ...outputs(steps[i](none))];
    }
    return values;
  };
  // Whatever the tokenizer or streamer throws is about the data (not JSON, not an array there).
  const guarded = (f: () => unknown[]) => {
    try {
      return f() as { key: number; value: unknown }[];
    } catch (e) {
      throw new InvalidText('invalid_json', (e as Error).message);
    }
  };
  for await (const chunk of text) {
    for (let i = 0; i < chunk.length; i += PIECE) yield* guarded(() => run(chunk.slice(i, i + PIECE), 0));
  }
  yield* guarded(flush);
}

/** The first byte that is not white space (or a BOM): '[' for an array, '{' for an object or JSON Lines. */
async function firstSignificant(file: string): Promise<string | undefined> {
  try {
    // Returning from the loop closes the file.
    for await (const chunk of (await openDecompressed(file)).chunks) {
      const s = chunk.toString('utf8').replace(/^\uFEFF/, '').trimStart();
      if (s) return s[0];
    }
    return undefined;
  } catch (e) {
    if (e instanceof CompressedInputError) return '?'; // the array path counts it, with its offset
    throw e;
  }
}

export async function* readJsonArray(file: InputFile, opts: JsonArrayOptions, ctx: StageContext): AsyncGenerator<Doc> {
  const first = await firstSignificant(file.path);
  if (first === undefined) return; // an empty file holds no records
  if (first === '{' && opts.arrayPath === undefined) {
    ctx.stats.count(READ, 'json_as_jsonl_files');
    yield* readJsonl(file, opts, ctx);
    return;
  }
  const warnings = new FileWarnings(ctx.log, file.path);
  const input = await openDecompressed(file.path);
  const at = { bytes: 0 };
  const items = arrayItems(strictText(input.chunks, at), opts.arrayPath);
  let position = 0;
  const bad = (reason: string, message: string) => {
    ctx.stats.drop(READ, `read:${reason}`);
    warnings.warn(`element ${position} (byte ~${at.bytes})`, `read:${reason}`, message);
  };
  try {
    for await (const { value } of items) {
      if ((position & 1023) === 0) ctx.signal.throwIfAborted();
      ctx.stats.countRead();
      const index = position;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        bad('invalid_json', `a JSON ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}, not an object`);
        position++;
        continue;
      }
      const doc = jsonRecordDoc(value as Record<string, unknown>, file, index, opts);
      if ('missing' in doc) {
        bad('missing_text', doc.missing);
      } else if (Buffer.byteLength(doc.text) > opts.maxDocumentBytes) {
        bad('document_too_large', `text of ${Buffer.byteLength(doc.text)} bytes is over maxDocumentBytes (${opts.maxDocumentBytes}); skipped`);
      } else {
        yield doc;
      }
      position++;
    }
  } catch (e) {
    // The array stops being readable here: count the element it was in, once, and say where.
    if (!(e instanceof InvalidText || e instanceof CompressedInputError)) throw e;
    const reason = e.reason;
    ctx.stats.countRead();
    ctx.stats.drop(READ, `read:${reason}`);
    warnings.warn(`element ${position} (byte ~${at.bytes})`, `read:${reason}`, `${(e as Error).message.slice(0, 160)}; the rest of the file is lost`);
  } finally {
    warnings.finish();
  }
}

export const jsonArrayReader: ReaderDefinition<typeof jsonArraySchema> = {
  format: 'json',
  description: "A JSON array of records (HF to_json(lines=False)), streamed; a .json file of JSON Lines goes to the jsonl reader.",
  extensions: ['.json'],
  schema: jsonArraySchema,
  read: readJsonArray,
};
