// Fixture writers for reader tests: WARC records, multi-member gzip, and a zstd frame built by hand.

import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export function tempDir(prefix = 'biglm-readers-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function writeTemp(dir: string, name: string, data: string | Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return p;
}

/** One WARC record (WARC/1.0 header, CRLF CRLF separator). `contentLength` overrides the true length. */
export function warcRecord(fields: Record<string, string>, block: string | Buffer, contentLength?: number): Buffer {
  const body = typeof block === 'string' ? Buffer.from(block, 'utf8') : block;
  const head = ['WARC/1.0', ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${contentLength ?? body.length}`, '', ''].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'utf8'), body, Buffer.from('\r\n\r\n')]);
}

let serial = 0;
/** A `response` record holding an HTTP response with the given headers and body bytes. */
export function httpResponseRecord(url: string, httpHeaders: string[], body: Buffer | string, status = '200 OK'): Buffer {
  const http = Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\n${httpHeaders.map((h) => `${h}\r\n`).join('')}\r\n`, 'latin1'), typeof body === 'string' ? Buffer.from(body) : body]);
  serial++;
  return warcRecord(
    {
      'WARC-Type': 'response',
      'WARC-Target-URI': url,
      'WARC-Date': '2024-05-18T01:02:03Z',
      'WARC-Record-ID': `<urn:uuid:00000000-0000-0000-0000-${String(serial).padStart(12, '0')}>`,
      'Content-Type': 'application/http; msgtype=response',
    },
    http,
  );
}

export function requestRecord(url: string): Buffer {
  serial++;
  return warcRecord(
    {
      'WARC-Type': 'request',
      'WARC-Target-URI': url,
      'WARC-Date': '2024-05-18T01:02:03Z',
      'WARC-Record-ID': `<urn:uuid:00000000-0000-0000-0001-${String(serial).padStart(12, '0')}>`,
      'Content-Type': 'application/http; msgtype=request',
    },
    `GET / HTTP/1.1\r\nHost: ${new URL(url).host}\r\n\r\n`,
  );
}

export function conversionRecord(url: string, text: string, contentLength?: number): Buffer {
  serial++;
  return warcRecord(
    {
      'WARC-Type': 'conversion',
      'WARC-Target-URI': url,
      'WARC-Date': '2024-05-18T01:02:03Z',
      'WARC-Record-ID': `<urn:uuid:00000000-0000-0000-0002-${String(serial).padStart(12, '0')}>`,
      'WARC-Identified-Content-Language': 'eng',
      'Content-Type': 'text/plain',
    },
    text,
    contentLength,
  );
}

/** Gzip every record as its own member (the Common Crawl layout) and concatenate. */
export function gzipMembers(records: Buffer[]): Buffer {
  return Buffer.concat(records.map((r) => gzipSync(r)));
}

/**
 * A valid zstd frame made of raw (stored) blocks, written by hand from RFC 8878: magic, a frame header
 * with a 4-byte content size and single-segment flag, then blocks of at most 128 KiB whose 3-byte
 * header is (size << 3) | (type raw = 0) << 1 | last. fzstd only decompresses, and tests must not
 * depend on a `zstd` binary being installed.
 */
export function zstdRawFrame(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(9);
  header.writeUInt32LE(0xfd2fb528, 0);
  header[4] = 0b1010_0000; // Frame_Content_Size_flag = 2 (4 bytes), Single_Segment_flag = 1, no checksum
  header.writeUInt32LE(data.length, 5);
  parts.push(header);
  const MAX = 128 << 10;
  let off = 0;
  do {
    const size = Math.min(MAX, data.length - off);
    const last = off + size >= data.length ? 1 : 0;
    const bh = (size << 3) | last;
    parts.push(Buffer.from([bh & 0xff, (bh >> 8) & 0xff, (bh >> 16) & 0xff]), data.subarray(off, off + size));
    off += size;
  } while (off < data.length);
  return Buffer.concat(parts);
}

/**
 * A zstd frame (RFC 8878) holding `prefix`, then `repeat` copies of byte `fill` as RLE blocks (4 bytes each
 * for 128 KiB), then `suffix`: a file that compresses ~30,000:1, like a huge line of one repeated byte.
 */
export function zstdRleFrame(prefix: Buffer, fill: number, repeat: number, suffix: Buffer): Buffer {
  const MAX = 128 << 10;
  const parts: Buffer[] = [];
  const header = Buffer.alloc(6);
  header.writeUInt32LE(0xfd2fb528, 0);
  header[4] = 0; // no content size, not single segment, no checksum
  header[5] = 11 << 3; // window 2 MiB
  parts.push(header);
  const block = (type: 0 | 1, size: number, last: boolean, body: Buffer) => {
    const bh = (size << 3) | (type << 1) | (last ? 1 : 0);
    parts.push(Buffer.from([bh & 0xff, (bh >> 8) & 0xff, (bh >> 16) & 0xff]), body);
  };
  block(0, prefix.length, false, prefix);
  for (let left = repeat; left > 0; left -= MAX) block(1, Math.min(MAX, left), false, Buffer.from([fill]));
  block(0, suffix.length, true, suffix);
  return Buffer.concat(parts);
}
