// Request bodies: Content-Type and Content-Encoding checked before anything is read (415 naming what is
// accepted), gzip / deflate / br decoded as they stream in, and the size capped after decoding, so a
// small compressed bomb is refused like a large body.

import type { IncomingMessage } from 'node:http';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';

export const ACCEPTED_TYPES = ['application/json'] as const;
export const ACCEPTED_ENCODINGS = ['identity', 'gzip', 'deflate', 'br'] as const;

export type BodyResult =
  | { ok: true; body: Uint8Array }
  | { ok: false; status: 400 | 413 | 415; error: string };

/** 415 message for a request whose Content-Type or Content-Encoding we do not take, else undefined. */
export function unsupportedMedia(req: IncomingMessage): string | undefined {
  const type = req.headers['content-type'];
  if (type !== undefined) {
    const [mime, ...params] = type.split(';').map((s) => s.trim().toLowerCase());
    if (!(ACCEPTED_TYPES as readonly string[]).includes(mime)) {
      return `Content-Type '${type}' is not supported; send ${ACCEPTED_TYPES.join(' or ')} (UTF-8)`;
    }
    const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return `charset '${charset}' is not supported; send UTF-8 JSON (charset=utf-8)`;
    }
  }
  const codings = encodingsOf(req);
  const bad = codings.find((c) => !(ACCEPTED_ENCODINGS as readonly string[]).includes(c));
  if (bad !== undefined) return `Content-Encoding '${bad}' is not supported; accepted: ${ACCEPTED_ENCODINGS.join(', ')}`;
  if (codings.filter((c) => c !== 'identity').length > 1) return `one Content-Encoding at most; got '${codings.join(', ')}'`;
  return undefined;
}

function encodingsOf(req: IncomingMessage): string[] {
  const header = req.headers['content-encoding'];
  if (header === undefined) return [];
  return header
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
}

/** The decoded body in a fresh buffer of its own (safe to transfer to a worker), or why not. */
export async function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const tooLarge = { ok: false, status: 413, error: `request body larger than ${limit} bytes` } as const;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return tooLarge;
  }
  const coding = encodingsOf(req).find((c) => c !== 'identity');
  const source: Readable = coding === undefined ? req : req.pipe(coding === 'gzip' ? createGunzip() : coding === 'deflate' ? createInflate() : createBrotliDecompress());
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        if (source !== req) source.destroy();
        req.resume();
        return coding === undefined ? tooLarge : { ...tooLarge, error: `request body larger than ${limit} bytes once decoded (${coding})` };
      }
      chunks.push(chunk);
    }
  } catch (err) {
    req.resume();
    return { ok: false, status: 400, error: `request body is not valid ${coding ?? 'data'}: ${(err as Error).message}` };
  }
  // Not Buffer.concat: small results may share Node's buffer pool, which must never be transferred.
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return { ok: true, body };
}
