// One decompression helper for every reader: sniff gzip / zstd / plain from the first bytes, stream the
// decompressed bytes, and turn a truncated or corrupt compressed stream into a CompressedInputError that
// names the file and the byte offset, so a reader can drop the record it was in and warn once.

import { createReadStream, promises as fs } from 'node:fs';
import { CompressedInputError, type Compression } from './decompress-error.js';
import { gunzipMembers, localGzipSource, type GzipDamage } from './gzip-members.js';
import { unzstdChunks } from './zstd-stream.js';
import { recompressAdvice, unsupportedCompression } from './unsupported-compression.js';
import { openRemote } from './remote-decompress.js';
import { isRemote } from '../../storage/index.js';

export { CompressedInputError, type Compression, type CompressionFailure } from './decompress-error.js';

export function sniffCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

export interface DecompressOptions {
  /**
   * Called for each damaged gzip member; decoding then resumes at the next intact member (Common Crawl files
   * hold one record per member). Without it a damaged member ends the stream with a CompressedInputError.
   */
  onGzipDamage?: (damage: GzipDamage) => void;
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

// 1 MiB reads keep syscalls few.
const READ_CHUNK = 1 << 20;

/**
 * Open `path` and decompress it by content (magic bytes), not by name: a `.warc` that is really gzip, or a
 * `.jsonl.gz` that is really plain, both read correctly. Multi-member gzip (one member per WARC record, as
 * Common Crawl writes it) is one continuous stream.
 */
export async function openDecompressed(path: string, options: DecompressOptions = {}): Promise<DecompressedStream> {
  if (isRemote(path)) return openRemoteDecompressed(path, options);
  const fh = await fs.open(path, 'r');
  let head: Buffer;
  let fileBytes: number;
  try {
    fileBytes = (await fh.stat()).size;
    head = Buffer.alloc(6);
    const { bytesRead } = await fh.read(head, 0, 6, 0);
    head = head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const compression = sniffCompression(head);
  const state = { out: 0 };
  // Inputs are checked for these when the config resolves; a file replaced since then is still not garbage.
  const unsupported = compression === 'none' ? unsupportedCompression(head) : null;
  const source = unsupported
    ? refuse(new CompressedInputError(path, 'unsupported_compression', 0, 0, recompressAdvice(path, unsupported)))
    :
    compression === 'gzip' ? gunzipMembers(path, localGzipSource(path, fileBytes), state, options.onGzipDamage) : compression === 'zstd' ? unzstdChunks(path, state) : plainChunks(path, state);
  return {
    compression,
    fileBytes,
    chunks: source,
    get bytesOut() {
      return state.out;
    },
  };
}

/** An s3:// or http(s):// input, streamed through the storage layer (remote-decompress.ts). */
async function openRemoteDecompressed(path: string, options: DecompressOptions): Promise<DecompressedStream> {
  const remote = await openRemote(path);
  const compression = sniffCompression(remote.head);
  const unsupported = compression === 'none' ? unsupportedCompression(remote.head) : null;
  const state = { out: 0 };
  return {
    compression,
    fileBytes: remote.fileBytes,
    chunks: unsupported
      ? refuse(new CompressedInputError(path, 'unsupported_compression', 0, 0, recompressAdvice(path, unsupported)))
      : remote.chunks(compression, state, options.onGzipDamage),
    get bytesOut() {
      return state.out;
    },
  };
}

// eslint-disable-next-line require-yield
async function* refuse(error: Error): AsyncGenerator<Buffer> {
  throw error;
}

/** Convenience: the decompressed chunks of a file. */
export async function* readDecompressed(path: string): AsyncGenerator<Buffer> {
  yield* (await openDecompressed(path)).chunks;
}

async function* plainChunks(path: string, state: { out: number }): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) {
    state.out += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
}
