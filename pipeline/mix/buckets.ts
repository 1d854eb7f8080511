// The disk half of the bounded-memory shuffle: documents are scattered to random bucket files as they
// stream in, then each bucket (small enough to hold in memory) is read back and shuffled on its own.
// A uniformly random bucket for every document followed by a uniform shuffle inside every bucket is a
// uniform shuffle of the whole mixture.
//
// Record layout (little-endian, every record starts 4-byte aligned so token views need no copy):
//   u32 nTokens, u32 idBytes, u32 sourceBytes, tokens (nTokens × width/8), id, source, pad to 4.

import { appendFileSync, closeSync, openSync, readSync, writeFileSync, fstatSync, rmSync } from 'node:fs';
import * as path from 'node:path';

const HEADER = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface BucketDoc {
  id: string;
  source: string;
  tokens: Uint16Array | Uint32Array;
}

export function bucketPath(dir: string, b: number): string {
  return path.join(dir, `bucket-${String(b).padStart(5, '0')}.bin`);
}

export class BucketWriter {
  private readonly files: string[] = [];
  private readonly bufs: Uint8Array[] = [];
  private readonly used: number[] = [];
  readonly bytes: number[] = [];

  /**
   * `bufferBytes` is split across the buckets (at least 64 KiB each). Buckets are appended to by path
   * rather than held open, so a mixture of thousands of buckets stays within the open-file limit.
   */
  constructor(
    readonly dir: string,
    readonly count: number,
    private readonly tokenBytes: 2 | 4,
    bufferBytes = 8 * 1024 * 1024,
  ) {
    const each = Math.max(64 * 1024, Math.floor(bufferBytes / count / 4) * 4);
    for (let b = 0; b < count; b++) {
      this.files.push(bucketPath(dir, b));
      writeFileSync(this.files[b], new Uint8Array(0));
      this.bufs.push(new Uint8Array(each));
      this.used.push(0);
      this.bytes.push(0);
    }
  }

  write(b: number, id: string, source: string, tokens: Uint16Array | Uint32Array): void {
    const tokenLen = tokens.length * this.tokenBytes;
    const maxLen = HEADER + tokenLen + 3 * (id.length + source.length) + 3;
    let buf = this.bufs[b];
    if (this.used[b] + maxLen > buf.length) this.flush(b);
    // A record larger than the buffer gets a one-off buffer of its own.
    const big = maxLen > buf.length;
    if (big) buf = new Uint8Array(maxLen + 3);
    const at = big ? 0 : this.used[b];
    const view = new DataView(buf.buffer, buf.byteOffset + at);
    new Uint8Array(buf.buffer, buf.byteOffset + at + HEADER, tokenLen).set(new Uint8Array(tokens.buffer, tokens.byteOffset, tokenLen));
    let end = at + HEADER + tokenLen;
    const idBytes = encoder.encodeInto(id, buf.subarray(end)).written;
    end += idBytes;
    const sourceBytes = encoder.encodeInto(source, buf.subarray(end)).written;
    end += sourceBytes;
    end = (end + 3) & ~3;
    view.setUint32(0, tokens.length, true);
    view.setUint32(4, idBytes, true);
    view.setUint32(8, sourceBytes, true);
    if (big) {
      appendFileSync(this.files[b], buf.subarray(0, end));
      this.bytes[b] += end;
    } else {
      this.used[b] = end;
    }
  }

  private flush(b: number): void {
    if (this.used[b] === 0) return;
    appendFileSync(this.files[b], this.bufs[b].subarray(0, this.used[b]));
    this.bytes[b] += this.used[b];
    this.used[b] = 0;
  }

  close(): void {
    for (let b = 0; b < this.count; b++) this.flush(b);
  }
}

/**
 * Reads a whole bucket into `into` (when it is large enough; else into a new buffer) and returns the
 * filled part and the byte offset of every record. Reusing one buffer for every bucket keeps the
 * shuffle's memory at one bucket instead of a bucket's worth of garbage per bucket.
 */
export function readBucket(file: string, tokenBytes: 2 | 4, into?: Uint8Array): { buf: Uint8Array; offsets: Uint32Array } {
  const fd = openSync(file, 'r');
  let buf: Uint8Array;
  try {
    const size = fstatSync(fd).size;
    // Buffers start on their own ArrayBuffer (never Node's shared pool), so records keep their 4-byte alignment.
    buf = into && into.byteOffset === 0 && into.length >= size ? into.subarray(0, size) : new Uint8Array(new ArrayBuffer(size));
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) throw new Error(`${file}: ended at byte ${off} of ${size}`);
      off += n;
    }
  } finally {
    closeSync(fd);
  }
  const view = new DataView(buf.buffer);
  let offsets = new Uint32Array(1024);
  let count = 0;
  let at = 0;
  while (at < buf.length) {
    if (count === offsets.length) {
      const grown = new Uint32Array(offsets.length * 2);
      grown.set(offsets);
      offsets = grown;
    }
    offsets[count++] = at;
    const n = view.getUint32(at, true);
    const idBytes = view.getUint32(at + 4, true);
    const sourceBytes = view.getUint32(at + 8, true);
    at = (at + HEADER + n * tokenBytes + idBytes + sourceBytes + 3) & ~3;
  }
  if (at !== buf.length) throw new Error(`${file}: the last record runs past the end of the bucket; the bucket file is corrupt`);
  return { buf, offsets: offsets.subarray(0, count) };
}

export function decodeRecord(buf: Uint8Array, at: number, tokenBytes: 2 | 4): BucketDoc {
  const view = new DataView(buf.buffer, buf.byteOffset);
  const n = view.getUint32(at, true);
  const idBytes = view.getUint32(at + 4, true);
  const sourceBytes = view.getUint32(at + 8, true);
  const t = buf.byteOffset + at + HEADER;
  const tokens = tokenBytes === 2 ? new Uint16Array(buf.buffer, t, n) : new Uint32Array(buf.buffer, t, n);
  const s = at + HEADER + n * tokenBytes;
  return {
    tokens,
    id: decoder.decode(buf.subarray(s, s + idBytes)),
    source: decoder.decode(buf.subarray(s + idBytes, s + idBytes + sourceBytes)),
  };
}

export function removeBuckets(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
