// Gzip that survives damage (RFC 1952). Common Crawl writes one member per WARC record: a corrupt member
// loses that record, every member before it is passed on whole, and decoding resumes at the next member
// header after the damage. Intact files stream through zlib as usual; a file whose stream fails is decoded
// again member by member, each inflated in one call that reports how many compressed bytes it used (the
// member's exact end), then checked against its CRC-32 and length. A member too large for that (over
// MAX_MEMBER_WINDOW compressed or MAX_MEMBER_OUTPUT decompressed: a big single-member .jsonl.gz) keeps the
// streaming pass's error. The bytes come from a GzipSource: a local file (positioned reads), or a remote
// object (one stream, then ranged reads; remote-decompress.ts), so both recover the same way.

import { createReadStream, promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { constants as zlibConstants, crc32, createGunzip, inflateRaw, inflateRawSync, type ZlibOptions } from 'node:zlib';
import { CompressedInputError, type CompressionFailure } from './decompress-error.js';

/** A damaged stretch of a gzip file that was skipped. Offsets are compressed bytes. */
export interface GzipDamage {
  reason: Extract<CompressionFailure, 'truncated_gzip' | 'corrupt_gzip'>;
  /** Start of the member that failed. */
  offset: number;
  /** Where decoding resumed: the next intact member. */
  resumedAt: number;
  /** Compressed bytes skipped: from `offset` to `resumedAt`. */
  skippedBytes: number;
  detail: string;
}

/** The warning for a skipped damaged member. */
export function describeGzipDamage(d: GzipDamage): string {
  return `gzip member at compressed byte ${d.offset} does not decode (${d.detail}); skipped ${d.skippedBytes} compressed bytes to the next intact member at byte ${d.resumedAt}`;
}

const READ_CHUNK = 1 << 20;
const FIRST_WINDOW = 1 << 20;
const MAX_MEMBER_WINDOW = 16 << 20;
const MAX_MEMBER_OUTPUT = 256 << 20;
const INFLATE_CHUNK = 256 << 10;
const HOLD_BACK = 2 << 20;

/** Where a gzip file's compressed bytes come from. */
export interface GzipSource {
  /** Compressed bytes in all. */
  readonly size: number;
  /** Every byte from the start, as one stream (the fast pass). */
  stream(): Readable;
  /** Bytes [position, position + length), fewer at the end (the member-by-member pass). */
  readAt(position: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** A local file: streamed, and read by positioned reads on a handle opened when first needed. */
export function localGzipSource(path: string, size: number): GzipSource {
  let fh: Promise<fs.FileHandle> | undefined;
  return {
    size,
    stream: () => createReadStream(path, { highWaterMark: READ_CHUNK }),
    async readAt(position, length) {
      const handle = await (fh ??= fs.open(path, 'r'));
      const out = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - position)));
      let got = 0;
      while (got < out.length) {
        const { bytesRead } = await handle.read(out, got, out.length - got, position + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return out.subarray(0, got);
    },
    async close() {
      if (fh) await (await fh).close();
    },
  };
}

/** The compressed bytes of a file from some offset on, read forward in 1 MiB reads. */
class Window {
  buf = Buffer.alloc(0);
  start = 0;
  constructor(
    private readonly source: GzipSource,
    readonly size: number,
  ) {}

  get end(): number {
    return this.start + this.buf.length;
  }

  /** Make bytes [from, from + n) available (fewer at end of file); forgets bytes before `from`. */
  async ensure(from: number, n: number): Promise<void> {
    if (from > this.end || from < this.start) {
      // Forward past what is held, or back before it (a resync scan looked ahead): read afresh from `from`.
      this.buf = Buffer.alloc(0);
      this.start = from;
    } else if (from > this.start) {
      this.buf = this.buf.subarray(from - this.start);
      this.start = from;
    }
    const want = Math.min(from + n, this.size);
    if (this.end >= want) return;
    const more = await this.source.readAt(this.end, Math.max(want - this.end, Math.min(READ_CHUNK, this.size - this.end)));
    this.buf = Buffer.concat([this.buf, more]);
  }

  /** Bytes [from, to) as a view; call ensure first. */
  view(from: number, to: number): Buffer {
    return this.buf.subarray(from - this.start, Math.min(to, this.end) - this.start);
  }
}

type Inflated = { buffer: Buffer; engine: { bytesWritten: number } };

/** Inflates raw deflate data up to its end, saying how many input bytes it used. */
function inflateMember(input: Buffer): Promise<Inflated> {
  return new Promise((resolve, reject) =>
    inflateRaw(input, { info: true, maxOutputLength: MAX_MEMBER_OUTPUT } as ZlibOptions, (e, r) => (e ? reject(e) : resolve(r as unknown as Inflated))),
  );
}

type Member = { kind: 'ok'; data: Buffer; next: number } | { kind: 'bad'; reason: GzipDamage['reason']; detail: string } | { kind: 'too_large' };

/** Length of the member header at `at` (RFC 1952 2.3), or a reason it is not one. */
function headerLength(w: Window, at: number): number | { truncated: boolean; detail: string } {
  const v = w.view(at, w.end);
  if (v.length < 10) return { truncated: true, detail: 'the file ends inside a member header' };
  if (v[0] !== 0x1f || v[1] !== 0x8b || v[2] !== 8 || (v[3] & 0xe0) !== 0) return { truncated: false, detail: 'no gzip member header here' };
  const flags = v[3];
  let k = 10;
  if (flags & 4) {
    if (v.length < k + 2) return { truncated: true, detail: 'the file ends inside a member header' };
    k += 2 + v.readUInt16LE(k);
  }
  for (const bit of [8, 16]) {
    if (flags & bit) {
      const z = v.indexOf(0, k);
      if (z < 0) return { truncated: true, detail: 'the file ends inside a member header' };
      k = z + 1;
    }
  }
  if (flags & 2) k += 2;
  return k <= v.length ? k : { truncated: true, detail: 'the file ends inside a member header' };
}

async function decodeMember(w: Window, at: number): Promise<Member> {
  await w.ensure(at, 64 << 10);
  const head = headerLength(w, at);
  if (typeof head !== 'number') return { kind: 'bad', reason: head.truncated ? 'truncated_gzip' : 'corrupt_gzip', detail: head.detail };
  const deflateAt = at + head;
  for (let window = FIRST_WINDOW; ; window *= 4) {
    await w.ensure(at, head + window + 8);
    let data: Buffer;
    let used: number;
    try {
      // On the thread pool, so the next member inflates while the reader parses this one.
      const r = await inflateMember(w.view(deflateAt, deflateAt + window));
      data = r.buffer;
      used = r.engine.bytesWritten;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ERR_BUFFER_TOO_LARGE') return { kind: 'too_large' };
      if (err.code !== 'Z_BUF_ERROR') return { kind: 'bad', reason: 'corrupt_gzip', detail: err.message };
      if (deflateAt + window >= w.size) return { kind: 'bad', reason: 'truncated_gzip', detail: 'the file ends inside a member' };
      // The first member's size tells the file's layout: past 1 MiB it is one big stream, not a member per record.
      if (window >= MAX_MEMBER_WINDOW || at === 0) return { kind: 'too_large' };
      continue;
    }
    const trailerAt = deflateAt + used;
    await w.ensure(at, trailerAt - at + 8);
    const trailer = w.view(trailerAt, trailerAt + 8);
    if (trailer.length < 8) return { kind: 'bad', reason: 'truncated_gzip', detail: 'the file ends before the member trailer' };
    if (trailer.readUInt32LE(0) !== crc32(data)) return { kind: 'bad', reason: 'corrupt_gzip', detail: 'CRC-32 mismatch' };
    if (trailer.readUInt32LE(4) !== data.length % 2 ** 32) return { kind: 'bad', reason: 'corrupt_gzip', detail: 'length mismatch' };
    return { kind: 'ok', data, next: trailerAt + 8 };
  }
}

/**
 * What a damaged member still decodes to: the output of the longest prefix of its deflate data that
 * inflates without error (found by bisection to 4 KiB; a sync flush makes zlib give all it decoded), and
 * the compressed offset where that prefix ends: where the damage is, give or take 4 KiB.
 */
async function decodablePrefix(w: Window, at: number): Promise<{ data: Buffer; end: number }> {
  await w.ensure(at, MAX_MEMBER_WINDOW);
  const head = headerLength(w, at);
  if (typeof head !== 'number') return { data: Buffer.alloc(0), end: at };
  const from = at + head;
  await w.ensure(at, head + MAX_MEMBER_WINDOW);
  const inflated = (n: number): Buffer | null => {
    try {
      return inflateRawSync(w.view(from, from + n), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: MAX_MEMBER_OUTPUT });
    } catch {
      return null;
    }
  };
  let lo = 0;
  let hi = Math.min(w.end, from + MAX_MEMBER_WINDOW) - from;
  let best: Buffer = Buffer.alloc(0);
  const whole = inflated(hi);
  if (whole) return { data: whole, end: from + hi };
  while (hi - lo > 4096) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const out = inflated(mid);
    if (out) {
      lo = mid;
      best = out;
    } else hi = mid;
  }
  return { data: best, end: from + lo };
}

async function allZero(w: Window, from: number): Promise<boolean> {
  for (let at = from; at < w.size; at = w.end) {
    await w.ensure(at, READ_CHUNK);
    if (w.view(at, w.end).some((b) => b !== 0)) return false;
  }
  return true;
}

/** The first offset after `from` where a whole member decodes. */
async function nextIntactMember(w: Window, from: number): Promise<number | null> {
  const MAGIC = Buffer.from([0x1f, 0x8b, 8]);
  let at = from;
  while (at < w.size) {
    await w.ensure(at, READ_CHUNK);
    const i = w.view(at, w.end).indexOf(MAGIC);
    if (i < 0) {
      if (w.end >= w.size) return null;
      at = Math.max(at + 1, w.end - 2);
      continue;
    }
    const candidate = at + i;
    if ((await decodeMember(w, candidate)).kind !== 'bad') return candidate;
    at = candidate + 1;
  }
  return null;
}

/**
 * The decompressed chunks of a gzip file. The whole file streams through one zlib stream first (the fast
 * path: zlib on the thread pool inflates ahead while the reader parses). If that fails, the file is decoded
 * again member by member, passing on only the bytes beyond what was already delivered: a damaged member
 * with an intact one after it is reported to `onDamage`, and decoding goes on there; otherwise (or without
 * `onDamage`) what the damaged member still gives is passed on and a CompressedInputError ends the stream.
 */
export async function* gunzipMembers(path: string, source: GzipSource, state: { out: number }, onDamage?: (d: GzipDamage) => void): AsyncGenerator<Buffer> {
  let failure: CompressedInputError;
  // The newest HOLD_BACK bytes stay here until more follow: zlib notices damage only some way into a
  // member, and what it decoded of that member before must not reach the reader as if it were a record.
  const held: Buffer[] = [];
  let heldBytes = 0;
  try {
    for await (const chunk of streamFrom(path, source, { out: 0 })) {
      held.push(chunk);
      heldBytes += chunk.length;
      while (heldBytes - held[0].length >= HOLD_BACK) {
        const out = held.shift()!;
        heldBytes -= out.length;
        state.out += out.length;
        yield out;
      }
    }
    for (const out of held) {
      state.out += out.length;
      yield out;
    }
    return;
  } catch (e) {
    if (!(e instanceof CompressedInputError)) {
      // the transport failed, not the data: what zlib decoded is sound
      for (const out of held) {
        state.out += out.length;
        yield out;
      }
      throw e;
    }
    failure = e;
  }
  try {
    const w = new Window(source, source.size);
    // Decompressed bytes already passed on: the member-by-member pass skips them.
    const delivered = state.out;
    let position = 0; // decompressed offset of the member-by-member pass
    const pass = (data: Buffer): Buffer | null => {
      const from = Math.max(0, state.out - position);
      position += data.length;
      if (from >= data.length) return null;
      state.out += data.length - from;
      return data.subarray(from);
    };
    let at = 0;
    while (at < w.size) {
      const m = await decodeMember(w, at);
      if (m.kind === 'ok') {
        at = m.next;
        const fresh = pass(m.data);
        if (fresh) yield fresh;
        continue;
      }
      // A member too large to decode whole: pass on what the streaming pass decoded, then its error.
      if (m.kind === 'too_large') {
        position = delivered;
        for (const out of held) {
          const fresh = pass(out);
          if (fresh) yield fresh;
        }
        throw new CompressedInputError(path, failure.reason, failure.offset, state.out, failure.detail);
      }
      if (await allZero(w, at)) return; // padding after the last member, as some writers leave
      const resumedAt = onDamage ? await nextIntactMember(w, at + 1) : null;
      if (resumedAt === null) {
        // Nothing after the damage decodes (a single-member file cut short, or damage in the last member):
        // pass on what the damaged member still gives, then the error, so the reader drops the one record or
        // line that was cut.
        const partial = await decodablePrefix(w, at);
        const fresh = pass(partial.data);
        if (fresh) yield fresh;
        throw new CompressedInputError(path, m.reason, partial.end, state.out, m.detail);
      }
      onDamage!({ reason: m.reason, offset: at, resumedAt, skippedBytes: resumedAt - at, detail: m.detail });
      at = resumedAt;
    }
  } finally {
    await source.close();
  }
}

/** Streams the file through one zlib stream, passing on every byte decoded before a failure. */
async function* streamFrom(path: string, source: GzipSource, state: { out: number }): AsyncGenerator<Buffer> {
  const src = source.stream();
  const gz = createGunzip({ chunkSize: INFLATE_CHUNK } as ZlibOptions);
  src.on('error', (e) => gz.destroy(e));
  src.pipe(gz);
  // Chunks and the error are queued as they come, so output decoded before a failure is never dropped.
  const queue: Buffer[] = [];
  let failure: NodeJS.ErrnoException | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  gz.on('data', (c: Buffer) => {
    queue.push(c);
    if (queue.length > 32) gz.pause();
    notify();
  });
  gz.on('error', (e) => {
    failure = e as NodeJS.ErrnoException;
    notify();
  });
  gz.on('end', () => {
    ended = true;
    notify();
  });
  try {
    for (;;) {
      const c = queue.shift();
      if (c) {
        if (queue.length < 8) gz.resume();
        state.out += c.length;
        yield c;
        continue;
      }
      if (failure) {
        const err: NodeJS.ErrnoException = failure;
        // Node reports a stream that ends mid-member as Z_BUF_ERROR; bad data and checksums as Z_DATA_ERROR.
        const reason = err.code === 'Z_BUF_ERROR' ? 'truncated_gzip' : 'corrupt_gzip';
        if (err.code === 'Z_BUF_ERROR' || err.code === 'Z_DATA_ERROR') throw new CompressedInputError(path, reason, gz.bytesWritten, state.out, err.message);
        throw err;
      }
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    src.destroy();
    gz.destroy();
  }
}
