// One decompression helper for every reader: sniff gzip / zstd / plain from the first bytes, stream the
// decompressed bytes, and turn a truncated or corrupt compressed stream into a CompressedInputError that
// names the file and the byte offset, so a reader can drop the record it was in and warn once.

import { createReadStream, promises as fs } from 'node:fs';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import { Decompress } from 'fzstd';
import { isRemote, readBytes, readStream, statObject, StorageChangedError, StorageNotFoundError, StorageReadError } from '../../storage/index.js';

export type Compression = 'gzip' | 'zstd' | 'none';

export type CompressionFailure = 'truncated_gzip' | 'corrupt_gzip' | 'truncated_zstd' | 'corrupt_zstd' | 'object_changed' | 'download_failed';

/** A compressed stream that stops early or does not decode. `offset` is in compressed bytes. */
export class CompressedInputError extends Error {
  constructor(
    readonly path: string,
    readonly reason: CompressionFailure,
    /** Compressed byte offset at which decoding failed (gzip: exact at end of file, else within the 1 MiB read). */
    readonly offset: number,
    /** Decompressed bytes produced before the failure. */
    readonly decompressedOffset: number,
    /** What the decompressor said. */
    readonly detail: string,
  ) {
    super(`${path}:${offset}: ${reason.replace('_', ' ')} (${detail}) after ${decompressedOffset} decompressed bytes`);
    this.name = 'CompressedInputError';
  }
}

export function sniffCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/** A streaming view of one file's decompressed bytes, with progress counters for warnings and benchmarks. */
export interface DecompressedStream {
  compression: Compression;
  /** Size of the file on disk. */
  fileBytes: number;
  chunks: AsyncIterable<Buffer>;
  /** Decompressed bytes yielded so far. */
  readonly bytesOut: number;
}

// 1 MiB reads keep syscalls few; 256 KiB inflate chunks keep the WARC parser's buffer joins cheap.
const READ_CHUNK = 1 << 20;
const INFLATE_CHUNK = 256 << 10;

/**
 * Open `path` and decompress it by content (magic bytes), not by name: a `.warc` that is really gzip, or a
 * `.jsonl.gz` that is really plain, both read correctly. Multi-member gzip (one member per WARC record, as
 * Common Crawl writes it) is one continuous stream.
 */
export async function openDecompressed(path: string): Promise<DecompressedStream> {
  if (isRemote(path)) return openRemoteDecompressed(path);
  const fh = await fs.open(path, 'r');
  let head: Buffer;
  let fileBytes: number;
  try {
    fileBytes = (await fh.stat()).size;
    head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    head = head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const compression = sniffCompression(head);
  const state = { out: 0 };
  const source =
    compression === 'gzip' ? gunzipChunks(path, state) : compression === 'zstd' ? unzstdChunks(path, state) : plainChunks(path, state);
  return {
    compression,
    fileBytes,
    chunks: source,
    get bytesOut() {
      return state.out;
    },
  };
}

// An object in S3 or behind HTTP(S): stat once (size and ETag, so a resumed download of another version fails),
// sniff the first bytes, then one streaming read that resumes at the byte reached (storage/read.ts).
async function openRemoteDecompressed(path: string): Promise<DecompressedStream> {
  const info = await statObject(path);
  if (info === undefined) throw new StorageNotFoundError(path, 'nothing there');
  const version = { etag: info.etag, size: Number.isFinite(info.size) ? info.size : undefined };
  const compression = sniffCompression(await readBytes(path, { start: 0, end: 4, ...version }));
  const state = { out: 0 };
  const bytes = () => readStream(path, version);
  const source =
    compression === 'gzip' ? gunzipChunks(path, state, bytes) : compression === 'zstd' ? unzstdChunks(path, state, bytes) : plainChunks(path, state, bytes);
  return {
    compression,
    fileBytes: info.size,
    chunks: source,
    get bytesOut() {
      return state.out;
    },
  };
}

type ByteStream = () => NodeJS.ReadableStream & AsyncIterable<unknown>;

const localBytes = (path: string): ByteStream => () => createReadStream(path, { highWaterMark: READ_CHUNK });

/** A download that failed for good, as the compression failure readers already drop a record for. */
function asInputError(path: string, e: unknown, decompressed: number): unknown {
  if (e instanceof StorageChangedError) return new CompressedInputError(path, 'object_changed', e.offset, decompressed, e.message);
  if (e instanceof StorageReadError) return new CompressedInputError(path, 'download_failed', e.offset, decompressed, e.message);
  return e;
}

/** Convenience: the decompressed chunks of a file. */
export async function* readDecompressed(path: string): AsyncGenerator<Buffer> {
  yield* (await openDecompressed(path)).chunks;
}

async function* plainChunks(path: string, state: { out: number }, bytes = localBytes(path)): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of bytes()) {
      state.out += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch (e) {
    throw asInputError(path, e, state.out);
  }
}

async function* gunzipChunks(path: string, state: { out: number }, bytes = localBytes(path)): AsyncGenerator<Buffer> {
  // `bytesWritten` (compressed bytes consumed) pins a failure to within one read. Reads of 64 KiB made
  // it exact to 64 KiB but the whole reader 2-3x slower (stream overhead per chunk), so 1 MiB it is.
  const src = bytes();
  // A deep read-ahead buffer lets zlib (on the thread pool) inflate while the reader parses what it has.
  const gz = createGunzip({ chunkSize: INFLATE_CHUNK, highWaterMark: 8 << 20 } as ZlibOptions);
  src.on('error', (e) => gz.destroy(e));
  (src as NodeJS.ReadableStream).pipe(gz);
  try {
    for await (const chunk of gz) {
      state.out += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // Node reports a stream that ends mid-member as Z_BUF_ERROR "unexpected end of file"; bad data,
    // bad checksums and trailing garbage after the last member as Z_DATA_ERROR.
    if (err.code === 'Z_BUF_ERROR') throw new CompressedInputError(path, 'truncated_gzip', gz.bytesWritten, state.out, err.message);
    if (err.code === 'Z_DATA_ERROR') throw new CompressedInputError(path, 'corrupt_gzip', gz.bytesWritten, state.out, err.message);
    throw asInputError(path, e, state.out);
  } finally {
    (src as unknown as { destroy(): void }).destroy();
    gz.destroy();
  }
}

async function* unzstdChunks(path: string, state: { out: number }, bytes = localBytes(path)): AsyncGenerator<Buffer> {
  let pending: Uint8Array[] = [];
  const dec = new Decompress((data) => {
    if (data.length) pending.push(data);
  });
  let consumed = 0;
  const fail = (e: unknown, at: number): never => {
    const err = e as Error & { code?: number };
    // fzstd error code 5 is "unexpected EOF": the stream stops inside a frame.
    const reason: CompressionFailure = err.code === 5 ? 'truncated_zstd' : 'corrupt_zstd';
    throw new CompressedInputError(path, reason, at, state.out, err.message);
  };
  const it = bytes()[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<unknown>;
    try {
      next = await it.next();
    } catch (e) {
      throw asInputError(path, e, state.out);
    }
    if (next.done) break;
    const chunk = next.value as Buffer;
    try {
      dec.push(chunk as Buffer);
    } catch (e) {
      fail(e, consumed);
    }
    consumed += (chunk as Buffer).length;
    const out = pending;
    pending = [];
    for (const d of out) {
      state.out += d.length;
      yield Buffer.from(d.buffer, d.byteOffset, d.length);
    }
  }
  try {
    dec.push(new Uint8Array(0), true);
  } catch (e) {
    fail(e, consumed);
  }
  for (const d of pending) {
    state.out += d.length;
    yield Buffer.from(d.buffer, d.byteOffset, d.length);
  }
}
