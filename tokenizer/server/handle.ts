// The tokenizer service's request handling on plain data: JSON bytes in, status + JSON bytes out.
// It runs inside the piscina workers (tokenizing never blocks the HTTP event loop) and inline in tests.
// Bad input of any kind becomes a 4xx with a message that says what is wrong; nothing here throws.

import { z } from 'zod';
import { getEncoding, listEncodings, type Encoding } from '../index.js';

export type Operation = 'tokenize' | 'count' | 'detokenize';

export interface HandleTask {
  op: Operation;
  /** Request body as received (UTF-8 JSON). */
  body: Uint8Array;
  /** Encoding used when the request names none. */
  defaultEncoding: string;
  /** Trained vocabularies the service offers: name → path. */
  trained: Record<string, string>;
  /** Most texts or id sequences one batch may hold (default: no limit). */
  maxTexts?: number;
}

export interface HandleResult {
  status: number;
  /** UTF-8 JSON. */
  body: Uint8Array;
}

const encodingField = z.string().min(1).optional().describe('encoding name (default: the server’s default encoding)');
const textsRequest = z
  .object({
    encoding: encodingField,
    text: z.string().optional().describe('one text'),
    texts: z.array(z.string()).optional().describe('a batch of texts'),
  })
  .strict()
  .refine((r) => (r.text === undefined) !== (r.texts === undefined), { message: 'give exactly one of `text` or `texts`' });

const id = z.number().int().nonnegative();
const idsRequest = z
  .object({
    encoding: encodingField,
    ids: z.array(id).optional().describe('one id sequence'),
    batch: z.array(z.array(id)).optional().describe('a batch of id sequences'),
  })
  .strict()
  .refine((r) => (r.ids === undefined) !== (r.batch === undefined), { message: 'give exactly one of `ids` or `batch`' });

// Encodings stay loaded for the worker's lifetime (loading cl100k takes ~100 ms).
const loaded = new Map<string, Encoding>();

function encodingFor(name: string, trained: Record<string, string>): Encoding | string {
  const hit = loaded.get(name);
  if (hit !== undefined) return hit;
  const known = [...listEncodings(), ...Object.keys(trained)];
  if (!known.includes(name)) return `unknown encoding '${name}'; known: ${known.join(', ')}`;
  const enc = getEncoding(Object.hasOwn(trained, name) ? trained[name] : name);
  loaded.set(name, enc);
  return enc;
}

/** Load an encoding ahead of the first request that needs it. */
export function preload(name: string, trained: Record<string, string>): void {
  encodingFor(name, trained);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function reply(status: number, json: string): HandleResult {
  return { status, body: encoder.encode(json) };
}

function error(status: number, message: string): HandleResult {
  return reply(status, JSON.stringify({ error: message }));
}

function zodMessage(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

function batchTooLarge(length: number | undefined, field: string, task: HandleTask): HandleResult | undefined {
  if (length === undefined || task.maxTexts === undefined || length <= task.maxTexts) return undefined;
  return error(413, `${field} holds ${length} entries; at most ${task.maxTexts} per request: split the batch`);
}

// TypedArray.join is much faster than JSON.stringify on a plain array of numbers.
const idsJson = (ids: Uint32Array) => `[${ids.join(',')}]`;

export function handle(task: HandleTask): HandleResult {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(task.body));
  } catch (err) {
    return error(400, `request body is not UTF-8 JSON: ${(err as Error).message}`);
  }
  try {
    return task.op === 'detokenize' ? detokenize(raw, task) : tokenizeOrCount(raw, task);
  } catch (err) {
    // Only a bug gets here (validation covers bad input); report it rather than crash the worker.
    return error(500, `internal error: ${(err as Error).message}`);
  }
}

function tokenizeOrCount(raw: unknown, task: HandleTask): HandleResult {
  const parsed = textsRequest.safeParse(raw);
  if (!parsed.success) return error(400, zodMessage(parsed.error));
  const req = parsed.data;
  const tooMany = batchTooLarge(req.texts?.length, 'texts', task);
  if (tooMany) return tooMany;
  const name = req.encoding ?? task.defaultEncoding;
  const enc = encodingFor(name, task.trained);
  if (typeof enc === 'string') return error(400, enc);
  const head = `{"encoding":${JSON.stringify(name)},`;
  if (task.op === 'count') {
    if (req.text !== undefined) return reply(200, `${head}"count":${enc.count(req.text)}}`);
    const counts = req.texts!.map((t) => enc.count(t));
    return reply(200, `${head}"counts":[${counts.join(',')}],"count":${counts.reduce((a, b) => a + b, 0)}}`);
  }
  if (req.text !== undefined) {
    const ids = enc.encode(req.text);
    return reply(200, `${head}"ids":${idsJson(ids)},"count":${ids.length}}`);
  }
  let total = 0;
  const parts = req.texts!.map((t) => {
    const ids = enc.encode(t);
    total += ids.length;
    return `{"ids":${idsJson(ids)},"count":${ids.length}}`;
  });
  return reply(200, `${head}"results":[${parts.join(',')}],"count":${total}}`);
}

function detokenize(raw: unknown, task: HandleTask): HandleResult {
  const parsed = idsRequest.safeParse(raw);
  if (!parsed.success) return error(400, zodMessage(parsed.error));
  const req = parsed.data;
  const tooMany = batchTooLarge(req.batch?.length, 'batch', task);
  if (tooMany) return tooMany;
  const name = req.encoding ?? task.defaultEncoding;
  const enc = encodingFor(name, task.trained);
  if (typeof enc === 'string') return error(400, enc);
  try {
    if (req.ids !== undefined) return reply(200, JSON.stringify({ encoding: name, text: enc.decode(req.ids) }));
    return reply(200, JSON.stringify({ encoding: name, texts: req.batch!.map((ids) => enc.decode(ids)) }));
  } catch (err) {
    if (err instanceof RangeError) return error(400, err.message);
    throw err;
  }
}
