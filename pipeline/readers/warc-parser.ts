// Streaming WARC record parser (WARC 1.0/1.1, also WET and WAT files, which use the same framing).
// It follows Content-Length, and when the bytes after a block do not look like a record end it recovers
// by scanning for the next `WARC/1.x` header line: real files exist whose Content-Length is wrong (a
// Common Crawl WET file where every LF became CRLF). Broken records come out as `broken` events; the
// reader decides how to count them. Decompression errors end the stream as one `broken` event.

import { ByteSource } from './byte-source.js';
import { CompressedInputError } from './decompress.js';

export interface WarcHeader {
  /** Byte offset of the record's `WARC/` line in the decompressed stream. */
  offset: number;
  version: string;
  /** Header fields, names lower-cased, values trimmed. */
  fields: Map<string, string>;
  type: string;
  contentLength: number;
}

export type BrokenReason = 'truncated_record' | 'malformed_record' | 'record_too_large' | CompressedInputError['reason'];

export type WarcEvent =
  | {
      kind: 'record';
      header: WarcHeader;
      /** The record block, or null when the caller did not want it (skipped without buffering). */
      block: Buffer | null;
      /** Content-Length was wrong; the block was delimited by scanning for the next record. */
      recovered: boolean;
    }
  | {
      kind: 'broken';
      reason: BrokenReason;
      /** Decompressed offset of the broken record (or junk) start. */
      offset: number;
      message: string;
      /** WARC-Type when the header got that far. */
      type?: string;
    }
  /** The stream failed between records: no partial record, but what could not be decoded is lost. */
  | { kind: 'stream_error'; reason: CompressedInputError['reason']; offset: number; message: string };

export interface WarcParseOptions {
  /** Decide from the header whether the block is needed (documents) or can be skipped unread. */
  wantBlock(header: WarcHeader): boolean;
  /** Wanted blocks longer than this are skipped and reported as `record_too_large`. */
  maxBlockBytes: number;
}

// Record headers start `WARC/1.0`, `WARC/1.1`, or the pre-standard `WARC/0.17`/`0.18` (Heritrix, 2008).
const MAGIC = Buffer.from('WARC/');
const MAX_HEADER_LINE = 64 << 10;
const MAX_HEADER_FIELDS = 512;
// Bytes after a candidate `WARC/1.` needed to judge it a real header: version, line end, a field name.
const LOOKAHEAD = 48;

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

/** `WARC/<digits>.<digits>` at `i`, then a line end, then something shaped like a header field (`Name:`). */
function plausibleHeaderAt(v: Buffer, i: number): boolean {
  let k = i + MAGIC.length;
  if (!isDigit(v[k])) return false;
  while (isDigit(v[k])) k++;
  if (v[k] !== 0x2e || !isDigit(v[k + 1])) return false; // '.'
  k++;
  while (isDigit(v[k])) k++;
  if (v[k] === 13) k++;
  if (v[k] !== 10) return false;
  k++;
  const start = k;
  while (k < v.length && k - start < 40) {
    const c = v[k];
    if (c === 0x3a) return k > start; // ':'
    const nameChar = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f;
    if (!nameChar) return false;
    k++;
  }
  return false;
}

interface Scan {
  parts: Buffer[];
  /** Stopped at the end of the stream rather than at a record header. */
  atEnd: boolean;
  bytes: number;
  overflow: boolean;
}

/**
 * Consume bytes up to (not including) the next plausible `WARC/x.y` header at a line start, or to the
 * end of the stream. Keeps at most `keep` bytes (the rest is counted, not stored).
 */
async function scanToBoundary(src: ByteSource, keep: number, atLineStart: boolean): Promise<Scan> {
  const scan: Scan = { parts: [], atEnd: false, bytes: 0, overflow: false };
  const take = (data: Buffer) => {
    scan.bytes += data.length;
    if (scan.overflow) return;
    if (scan.bytes > keep) {
      scan.overflow = true;
      scan.parts = [];
    } else scan.parts.push(data);
  };
  for (;;) {
    const v = src.view();
    let i = v.indexOf(MAGIC);
    let stopAt = -1;
    while (i >= 0) {
      const lineStart = i === 0 ? atLineStart : v[i - 1] === 10;
      if (lineStart) {
        if (v.length - i < LOOKAHEAD && !src.ended) {
          stopAt = i; // judge it once more bytes are in
          break;
        }
        if (plausibleHeaderAt(v, i)) {
          take(v.subarray(0, i));
          src.consume(i);
          return scan;
        }
      }
      i = v.indexOf(MAGIC, i + 1);
    }
    if (src.ended) {
      take(v);
      src.consume(v.length);
      scan.atEnd = true;
      return scan;
    }
    // Keep the tail that could hold the start of a boundary; hand over the rest.
    const safe = stopAt >= 0 ? stopAt : Math.max(0, v.length - MAGIC.length);
    if (safe > 0) {
      take(v.subarray(0, safe));
      src.consume(safe);
      atLineStart = v[safe - 1] === 10;
    }
    await src.pull();
  }
}

/**
 * After a block: the record separator (CRLF CRLF; LF LF from lax writers), then `WARC/` or the end of the
 * stream? Consumes the separator if so. Exact, because a Content-Length that is short by one LF leaves
 * `\n\r\n\r\nWARC/` behind, which a loose check would take for a record end.
 */
async function consumeRecordEnd(src: ByteSource): Promise<boolean> {
  // The look-ahead may hit the damage that follows a whole record: judge the record on what arrived, and
  // let the failure surface at the next read, so the record before the damage is still passed on.
  let failure: CompressedInputError | null = null;
  try {
    await src.ensure(16);
  } catch (e) {
    if (!(e instanceof CompressedInputError)) throw e;
    failure = e;
  }
  const ended = src.ended || failure !== null;
  const v = src.view();
  let k = 0;
  if (v[0] === 13 && v[1] === 10 && v[2] === 13 && v[3] === 10) k = 4;
  else if (v[0] === 10 && v[1] === 10) k = 2;
  else if (ended && v.every((c) => c === 13 || c === 10)) k = v.length; // a last record with a cut separator
  else if (failure) throw failure;
  else return false;
  while (k < v.length && k < 12 && (v[k] === 13 || v[k] === 10)) k++; // extra blank lines between records
  const atEnd = k === v.length && ended;
  if (!atEnd && !(v.length - k >= 5 && v.subarray(k, k + 5).equals(MAGIC))) {
    if (failure) throw failure;
    return false;
  }
  src.consume(k);
  if (failure) src.deferError(failure);
  return true;
}

function countCrlf(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10, 1); i >= 0; i = b.indexOf(10, i + 1)) if (b[i - 1] === 13) n++;
  return n;
}

/**
 * Drop the record separator from the end of a block whose length had to be recovered. Before another
 * record it is CRLF CRLF (or what a lax writer used); at the end of the stream it may be missing or cut,
 * and then the block's own final line break must stay. When a cut is ambiguous, the declared
 * Content-Length decides: the cut whose length, with every CRLF counted as the LF it was, matches it
 * (the damage seen in the wild is LF → CRLF).
 */
function trimSeparator(block: Buffer, atEnd: boolean, declared: number): Buffer {
  const end = block.length;
  const endsCrlf = (at: number) => at >= 2 && block[at - 2] === 13 && block[at - 1] === 10;
  const cuts = [end - 4, end - 2, end].filter((c) => c === end || (endsCrlf(end) && (c === end - 2 || endsCrlf(end - 2))));
  if (cuts.length > 1) {
    const crlf = countCrlf(block);
    for (const c of cuts) {
      // CRLFs removed by this cut: (end - c) / 2 of them.
      if (c - (crlf - (end - c) / 2) === declared) return block.subarray(0, c);
    }
  }
  if (endsCrlf(end) && endsCrlf(end - 2)) return block.subarray(0, end - 4);
  if (atEnd) return block;
  if (end >= 2 && block[end - 2] === 10 && block[end - 1] === 10) return block.subarray(0, end - 2);
  let e = end;
  while (e > 0 && end - e < 4 && (block[e - 1] === 10 || block[e - 1] === 13)) e--;
  return block.subarray(0, e);
}

function parseHeaderLines(lines: string[]): Map<string, string> | string {
  const fields = new Map<string, string>();
  let last = '';
  for (const raw of lines) {
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && last) {
      fields.set(last, `${fields.get(last)} ${raw.trim()}`); // folded continuation line
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon <= 0) return `header line without a field name: ${JSON.stringify(raw.slice(0, 80))}`;
    last = raw.slice(0, colon).trim().toLowerCase();
    // A repeated field keeps its first value (WARC-Concurrent-To may repeat; we never need all of them).
    if (!fields.has(last)) fields.set(last, raw.slice(colon + 1).trim());
  }
  return fields;
}

function stripEol(line: Buffer): string {
  let end = line.length;
  if (end > 0 && line[end - 1] === 10) end--;
  if (end > 0 && line[end - 1] === 13) end--;
  return line.toString('utf8', 0, end); // WARC 1.1 allows UTF-8 in header values
}

/** Parse one decompressed WARC stream into record events. Never throws on bad data. */
export async function* parseWarc(chunks: AsyncIterable<Buffer>, opts: WarcParseOptions): AsyncGenerator<WarcEvent> {
  const src = new ByteSource(chunks);
  let recordStart = 0;
  let inRecord = false;
  let recordType: string | undefined;
  try {
    for (;;) {
      inRecord = false;
      recordType = undefined;
      recordStart = src.offset;
      const first = await src.readLine(MAX_HEADER_LINE);
      if (!first) return;
      if (first.line.every((c) => c === 13 || c === 10 || c === 32 || c === 9)) continue; // blank lines between records
      inRecord = true;
      if (!/^WARC\/\d+\.\d+\r?\n$/.test(first.line.toString('latin1', 0, 24))) {
        // Not a record start: skip to the next record header and report the junk as one broken record.
        const scan = await scanToBoundary(src, 0, first.line[first.line.length - 1] === 10);
        yield {
          kind: 'broken',
          reason: 'malformed_record',
          offset: recordStart,
          message: `no WARC/x.y header line; skipped ${first.line.length + scan.bytes} bytes to the next record`,
        };
        continue;
      }
      const version = stripEol(first.line);
      const lines: string[] = [];
      let headerProblem: string | null = null;
      let headerEnded = false;
      while (lines.length <= MAX_HEADER_FIELDS) {
        const l = await src.readLine(MAX_HEADER_LINE);
        if (!l) break;
        if (l.tooLong) {
          headerProblem = `header line longer than ${MAX_HEADER_LINE} bytes`;
          break;
        }
        const s = stripEol(l.line);
        if (s === '') {
          headerEnded = true;
          break;
        }
        lines.push(s);
      }
      if (!headerEnded && !headerProblem && lines.length > MAX_HEADER_FIELDS) headerProblem = `more than ${MAX_HEADER_FIELDS} header lines`;
      const parsed = headerProblem ?? parseHeaderLines(lines);
      if (typeof parsed !== 'string') recordType = parsed.get('warc-type');
      if (!headerEnded && !headerProblem && typeof parsed !== 'string') {
        yield { kind: 'broken', reason: 'truncated_record', offset: recordStart, type: recordType, message: 'stream ends inside the record header' };
        return;
      }
      const cl = typeof parsed === 'string' ? NaN : Number(parsed.get('content-length') ?? NaN);
      if (typeof parsed === 'string' || !Number.isSafeInteger(cl) || cl < 0) {
        const why = typeof parsed === 'string' ? parsed : `missing or invalid Content-Length ${JSON.stringify(parsed.get('content-length') ?? null)}`;
        const scan = await scanToBoundary(src, 0, true);
        yield { kind: 'broken', reason: 'malformed_record', offset: recordStart, type: recordType, message: `${why}; skipped ${scan.bytes} bytes to the next record` };
        continue;
      }
      const header: WarcHeader = { offset: recordStart, version, fields: parsed, type: recordType ?? '', contentLength: cl };
      const want = opts.wantBlock(header);
      if (want && cl > opts.maxBlockBytes) {
        const got = await src.skip(cl);
        if (got < cl) {
          yield { kind: 'broken', reason: 'truncated_record', offset: recordStart, type: recordType, message: `block cut at ${got} of ${cl} bytes` };
          return;
        }
        if (!(await consumeRecordEnd(src))) await scanToBoundary(src, 0, false);
        yield { kind: 'broken', reason: 'record_too_large', offset: recordStart, type: recordType, message: `block of ${cl} bytes is over maxRecordBytes (${opts.maxBlockBytes})` };
        continue;
      }
      let block: Buffer | null = null;
      if (want) {
        block = await src.read(cl);
        if (block.length < cl) {
          yield { kind: 'broken', reason: 'truncated_record', offset: recordStart, type: recordType, message: `block cut at ${block.length} of ${cl} bytes` };
          return;
        }
      } else {
        const got = await src.skip(cl);
        if (got < cl) {
          yield { kind: 'broken', reason: 'truncated_record', offset: recordStart, type: recordType, message: `block cut at ${got} of ${cl} bytes` };
          return;
        }
      }
      if (await consumeRecordEnd(src)) {
        yield { kind: 'record', header, block, recovered: false };
        continue;
      }
      // Content-Length is wrong. Too long: the block swallowed the next record's start; give it back.
      if (block) {
        let i = block.indexOf(MAGIC, 1);
        while (i > 0 && !(block[i - 1] === 10 && plausibleHeaderAt(block, i))) i = block.indexOf(MAGIC, i + 1);
        if (i > 0) {
          src.unread(block.subarray(i));
          yield { kind: 'record', header, block: trimSeparator(block.subarray(0, i), false, cl), recovered: true };
          continue;
        }
      }
      // Too short: the block goes on until the next record header.
      const scan = await scanToBoundary(src, want ? opts.maxBlockBytes - cl : 0, block ? block[block.length - 1] === 10 : false);
      if (want && scan.overflow) {
        yield { kind: 'broken', reason: 'record_too_large', offset: recordStart, type: recordType, message: `recovered block of ${cl + scan.bytes} bytes is over maxRecordBytes (${opts.maxBlockBytes})` };
        continue;
      }
      yield { kind: 'record', header, block: block ? trimSeparator(Buffer.concat([block, ...scan.parts]), scan.atEnd, cl) : null, recovered: true };
    }
  } catch (e) {
    if (!(e instanceof CompressedInputError)) throw e;
    const partial = inRecord || src.available > 0;
    const message = `${e.reason.replace('_', ' ')} at compressed byte ${e.offset} (${e.detail}); decompressed data stops at byte ${e.decompressedOffset}`;
    if (partial) yield { kind: 'broken', reason: e.reason, offset: recordStart, type: recordType, message };
    else yield { kind: 'stream_error', reason: e.reason, offset: src.offset, message };
  }
}
