// The HTTP message inside a WARC `response` record: status line, headers, and the payload with any
// transfer or content coding the crawler left in place undone (wget keeps `Transfer-Encoding: chunked`
// and gzip bodies as sent; Common Crawl removes them and renames the headers to `X-Crawler-*`).

import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

export interface HttpResponse {
  status: number;
  /** Header names lower-cased; a repeated header keeps its first value. */
  headers: Map<string, string>;
  body: Buffer;
}

/** Parse the HTTP response at the start of a WARC block; null when it is not one. */
export function parseHttpResponse(block: Buffer): HttpResponse | null {
  let end = block.indexOf('\r\n\r\n');
  let sepLen = 4;
  const lfEnd = block.indexOf('\n\n');
  if (end < 0 || (lfEnd >= 0 && lfEnd < end)) {
    end = lfEnd;
    sepLen = 2;
  }
  if (end < 0) {
    // Headers only, no body (HEAD-like responses, or a block cut after the headers).
    end = block.length;
    sepLen = 0;
  }
  const head = block.toString('latin1', 0, end).split(/\r?\n/);
  const m = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(head[0] ?? '');
  if (!m) return null;
  const headers = new Map<string, string>();
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { status: Number(m[1]), headers, body: block.subarray(Math.min(block.length, end + sepLen)) };
}

/** Undo `Transfer-Encoding: chunked`. Returns null when the body is not validly chunked. */
export function dechunk(body: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const nl = body.indexOf('\n', pos);
    if (nl < 0) return parts.length ? Buffer.concat(parts) : null; // cut inside the chunk framing: keep what we have
    const sizeText = body.toString('latin1', pos, nl).split(';')[0].trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) return null;
    const size = parseInt(sizeText, 16);
    if (size === 0) return Buffer.concat(parts);
    const start = nl + 1;
    parts.push(body.subarray(start, Math.min(body.length, start + size)));
    if (start + size >= body.length) return Buffer.concat(parts);
    pos = start + size;
    if (body[pos] === 13) pos++;
    if (body[pos] === 10) pos++;
  }
}

/**
 * Undo the content coding named in `encoding` (gzip, x-gzip, deflate, br). Output is capped at
 * `maxBytes` so a decompression bomb cannot take the memory. Throws on corrupt data.
 */
export function decodeContent(body: Buffer, encoding: string, maxBytes: number): Buffer {
  const opts = { maxOutputLength: maxBytes };
  switch (encoding.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body, opts);
    case 'deflate':
      // "deflate" is zlib-wrapped by the RFC, raw deflate from some servers.
      try {
        return inflateSync(body, opts);
      } catch {
        return inflateRawSync(body, opts);
      }
    case 'br':
      return brotliDecompressSync(body, opts);
    case '':
    case 'identity':
    case 'none':
      return body;
    default:
      throw new Error(`unsupported Content-Encoding '${encoding}'`);
  }
}

/** The media type of a Content-Type value, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** The charset parameter of a Content-Type value, if any. */
export function charsetParam(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType ?? '');
  return m ? m[1] : undefined;
}

export function isHtmlMediaType(type: string): boolean {
  return type === 'text/html' || type === 'application/xhtml+xml';
}
