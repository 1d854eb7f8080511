// Binary record files that link the dedup steps (signatures, pairs, removal lists, order keys).
// Layout: a 64-byte header, then `count` records of `width` little-endian u32 words.
//   0  magic "BLMDEDUP"        8  kind (u32)          12 width (u32)
//   16 count (u64 as 2×u32)    24 docCount (u64)      32 part (band / partition)   36 rank
//   40 reserved                48 checksum: first 16 bytes of sha256(sha256(payload) ‖ header[0..48])
// Every reader verifies the checksum (streaming readers at end of file, before their caller commits
// anything) and throws CorruptTaskOutputError naming the file and the task that produced it, so the
// executor can rerun that task instead of using bad data.

import { CorruptTaskOutputError, type Producer } from '../../core/corrupt-output.js';
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, writeSync, fsyncSync, renameSync, mkdirSync, rmSync } from 'node:fs';
import { endianness } from 'node:os';
import * as path from 'node:path';
import { tempName } from '../../../lib/atomic.js';

if (endianness() !== 'LE') throw new Error('dedup record files assume a little-endian machine');

export const MAGIC = 'BLMDEDUP';
export const HEADER_BYTES = 64;

export const RecordKind = {
  /** MinHash band hash + doc index: (hi, lo, idx). */
  Signatures: 1,
  /** Candidate pairs: (sourceA, idxA, sourceB, idxB). */
  Pairs: 2,
  /** Sorted doc indices to drop: (idx). */
  Removals: 3,
  /** Order keys of a rank's documents: (fileIndex, position). */
  Keys: 4,
  /** Exact-dedup text hashes: (hi, lo, fileIndex, position, idx). */
  Hashes: 5,
  /** Low 32 bits of every MinHash minimum, one record per document in order, + a check word. */
  Minima: 6,
} as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

export interface RecordHeader {
  kind: RecordKind;
  width: number;
  count: number;
  /** Documents seen by the producing rank (some may have no record, e.g. too short to shingle). */
  docCount: number;
  part: number;
  rank: number;
}

function encodeHeader(h: RecordHeader): Uint8Array {
  const buf = new Uint8Array(HEADER_BYTES);
  buf.set(Buffer.from(MAGIC, 'ascii'), 0);
  const u = new Uint32Array(buf.buffer);
  u[2] = h.kind;
  u[3] = h.width;
  u[4] = h.count % 0x100000000;
  u[5] = Math.floor(h.count / 0x100000000);
  u[6] = h.docCount % 0x100000000;
  u[7] = Math.floor(h.docCount / 0x100000000);
  u[8] = h.part;
  u[9] = h.rank;
  return buf;
}

function decodeHeader(buf: Uint8Array): RecordHeader | null {
  if (Buffer.from(buf.subarray(0, 8)).toString('ascii') !== MAGIC) return null;
  const u = new Uint32Array(buf.buffer, buf.byteOffset, HEADER_BYTES / 4);
  return { kind: u[2] as RecordKind, width: u[3], count: u[4] + u[5] * 0x100000000, docCount: u[6] + u[7] * 0x100000000, part: u[8], rank: u[9] };
}

function finishChecksum(payloadHash: Hash, header: Uint8Array): Buffer {
  return createHash('sha256').update(payloadHash.digest()).update(header.subarray(0, 48)).digest().subarray(0, 16);
}

export { CorruptTaskOutputError, type Producer };

/** Streams records to a temporary file; `commit` writes the header with the checksum and renames. */
export class RecordWriter {
  private readonly tmp: string;
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  private count = 0;
  private buf: Uint32Array;
  private used = 0;

  constructor(readonly file: string, readonly kind: RecordKind, readonly width: number, bufferRecords = 1 << 15) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.tmp = tempName(file);
    this.fd = openSync(this.tmp, 'w');
    writeSync(this.fd, new Uint8Array(HEADER_BYTES));
    this.buf = new Uint32Array(bufferRecords * width);
  }

  /** Append one record (width words). */
  push(...words: number[]): void {
    if (this.used + this.width > this.buf.length) this.flush();
    for (let i = 0; i < this.width; i++) this.buf[this.used++] = words[i];
    this.count++;
  }

  /** Append many records at once (length a multiple of width). */
  pushAll(words: Uint32Array): void {
    if (this.used + words.length <= this.buf.length) {
      this.buf.set(words, this.used);
      this.used += words.length;
    } else {
      this.flush();
      this.writePayload(words);
    }
    this.count += words.length / this.width;
  }

  private writePayload(words: Uint32Array): void {
    const bytes = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
    this.hash.update(bytes);
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
  }

  private flush(): void {
    if (this.used > 0) this.writePayload(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  private done = false;

  commit(meta: { docCount: number; part: number; rank: number }): void {
    this.done = true;
    this.flush();
    const header = encodeHeader({ kind: this.kind, width: this.width, count: this.count, ...meta });
    header.set(finishChecksum(this.hash, header), 48);
    writeSync(this.fd, header, 0, HEADER_BYTES, 0);
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(this.tmp, this.file);
  }

  /** Abandon the output (the temporary file is removed). */
  abort(): void {
    if (this.done) return;
    this.done = true;
    try {
      closeSync(this.fd);
    } finally {
      rmSync(this.tmp, { force: true });
    }
  }
}

/** Write a whole record file at once. */
export function writeRecords(file: string, kind: RecordKind, width: number, words: Uint32Array, meta: { docCount: number; part: number; rank: number }): void {
  const w = new RecordWriter(file, kind, width, 1);
  w.pushAll(words);
  w.commit(meta);
}

/**
 * Sequential reader with a bounded buffer. `data[pos .. pos+width)` is the current record while
 * `pos < end`; `refill()` loads the next chunk and returns false at end of file, after verifying
 * the checksum (a mismatch throws CorruptTaskOutputError).
 */
export class RecordStream {
  readonly header: RecordHeader;
  data: Uint32Array;
  pos = 0;
  end = 0;
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  private readonly headerBytes: Uint8Array;
  private remaining: number;
  private offset = HEADER_BYTES;
  private closed = false;

  constructor(readonly file: string, readonly producer: Producer, expectKind: RecordKind, chunkRecords = 1 << 16) {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (e) {
      throw new CorruptTaskOutputError(file, producer, `cannot open (${(e as NodeJS.ErrnoException).code ?? e})`);
    }
    this.fd = fd;
    const size = fstatSync(fd).size;
    this.headerBytes = new Uint8Array(HEADER_BYTES);
    const got = size >= HEADER_BYTES ? readSync(fd, this.headerBytes, 0, HEADER_BYTES, 0) : 0;
    const header = got === HEADER_BYTES ? decodeHeader(this.headerBytes) : null;
    if (!header) this.fail(`not a dedup record file (bad or truncated header, ${size} bytes)`);
    if (header.kind !== expectKind) this.fail(`holds record kind ${header.kind}, expected ${expectKind}`);
    const expected = HEADER_BYTES + header.count * header.width * 4;
    if (size !== expected) this.fail(`truncated or padded: ${size} bytes, header promises ${expected}`);
    this.header = header;
    this.remaining = header.count * header.width;
    this.data = new Uint32Array(Math.max(1, Math.min(this.remaining, chunkRecords * header.width)));
  }

  private fail(reason: string): never {
    this.close();
    throw new CorruptTaskOutputError(this.file, this.producer, reason);
  }

  /** Load the next chunk; false (after checksum verification) when the file is exhausted. */
  refill(): boolean {
    if (this.remaining === 0) {
      if (!this.closed) {
        const sum = finishChecksum(this.hash, this.headerBytes);
        this.close();
        if (!sum.equals(Buffer.from(this.headerBytes.subarray(48, 64)))) {
          throw new CorruptTaskOutputError(this.file, this.producer, 'checksum mismatch (file corrupted after it was written)');
        }
      }
      this.pos = this.end = 0;
      return false;
    }
    const words = Math.min(this.remaining, this.data.length);
    const bytes = new Uint8Array(this.data.buffer, 0, words * 4);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(this.fd, bytes, got, bytes.length - got, this.offset + got);
      if (n === 0) this.fail('file shrank while reading');
      got += n;
    }
    this.hash.update(bytes);
    this.offset += got;
    this.remaining -= words;
    this.pos = 0;
    this.end = words;
    return true;
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      closeSync(this.fd);
    }
  }
}

/** Read and verify a whole record file. */
export function readRecords(file: string, producer: Producer, expectKind: RecordKind): { header: RecordHeader; data: Uint32Array } {
  const s = new RecordStream(file, producer, expectKind, Number.MAX_SAFE_INTEGER);
  const data = new Uint32Array(s.header.count * s.header.width);
  let at = 0;
  while (s.refill()) {
    data.set(s.data.subarray(0, s.end), at);
    at += s.end;
  }
  return { header: s.header, data };
}

/** Only the header (no checksum verification: for sizing before a full read). */
export function readHeader(file: string, producer: Producer, expectKind: RecordKind): RecordHeader {
  const s = new RecordStream(file, producer, expectKind, 1);
  s.close();
  return s.header;
}

/** Check word of a random-access record: murmur-style hash of its words and its index. */
export function recordCheck(words: Uint32Array, n: number, idx: number): number {
  let h = 0x2545f491 ^ idx;
  for (let i = 0; i < n; i++) {
    let k = Math.imul(words[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/**
 * Random access to fixed-width records by index (the per-document minima files). The whole-file
 * checksum cannot be checked on random reads, so every record carries a check word (its last word,
 * `recordCheck` of the others and its index) and the file size is checked against the header.
 */
export class RecordLookup {
  readonly header: RecordHeader;
  private readonly fd: number;
  private readonly buf: Uint32Array;

  constructor(readonly file: string, readonly producer: Producer, expectKind: RecordKind) {
    const s = new RecordStream(file, producer, expectKind, 1); // validates header and size
    s.close();
    this.header = s.header;
    this.fd = openSync(file, 'r');
    this.buf = new Uint32Array(this.header.width);
  }

  /** Record `idx` (a view, valid until the next call); throws CorruptTaskOutputError on a bad check word. */
  get(idx: number): Uint32Array {
    const w = this.header.width;
    if (idx >= this.header.count) throw new CorruptTaskOutputError(this.file, this.producer, `record ${idx} asked for, file holds ${this.header.count}`);
    const bytes = new Uint8Array(this.buf.buffer);
    const n = readSync(this.fd, bytes, 0, bytes.length, HEADER_BYTES + idx * w * 4);
    if (n !== bytes.length || recordCheck(this.buf, w - 1, idx) !== this.buf[w - 1]) {
      throw new CorruptTaskOutputError(this.file, this.producer, `record ${idx} fails its check word (file corrupted after it was written)`);
    }
    return this.buf;
  }

  close(): void {
    closeSync(this.fd);
  }
}
