// The decompressed bytes of an s3:// or http(s):// input, streamed through the storage layer: stat once (size
// and ETag, so a resumed download of another version fails), sniff the first bytes, then one read that resumes
// at the byte reached (storage/read.ts). A download that failed for good becomes the CompressedInputError
// every reader already drops a record for (`object_changed`, `download_failed`). Gzip goes through
// gzip-members.ts as a local file does: one stream, and after damage member by member over ranged reads, so a
// damaged member of a remote WARC loses that record and no more.

import { createGunzip, type ZlibOptions } from 'node:zlib';
import type { Readable } from 'node:stream';
import { readBytes, readStream, statObject, StorageChangedError, StorageNotFoundError, StorageReadError } from '../../storage/index.js';
import { CompressedInputError, type Compression } from './decompress-error.js';
import { unzstdSource } from './zstd-stream.js';
import { gunzipMembers, type GzipDamage, type GzipSource } from './gzip-members.js';

const INFLATE_CHUNK = 256 << 10;

export interface RemoteDecompressed {
  head: Buffer;
  fileBytes: number;
  chunks: (compression: Compression, state: { out: number }, onGzipDamage?: (damage: GzipDamage) => void) => AsyncGenerator<Buffer>;
}

export async function openRemote(path: string): Promise<RemoteDecompressed> {
  const info = await statObject(path);
  if (info === undefined) throw new StorageNotFoundError(path, 'nothing there');
  const version = { etag: info.etag, size: Number.isFinite(info.size) ? info.size : undefined };
  const head = await readBytes(path, { start: 0, end: 6, ...version });
  const bytes = () => readStream(path, version);
  return {
    head,
    fileBytes: info.size,
    chunks: (compression, state, onGzipDamage) => {
      if (compression === 'gzip') {
        // the member-by-member pass needs the size to read by ranges; an HTTP server that does not say it gets one stream
        return version.size !== undefined ? gunzipRemote(path, remoteGzipSource(path, version as { etag?: string; size: number }), state, onGzipDamage) : gunzipStream(path, state, bytes());
      }
      return compression === 'zstd' ? unzstdStream(path, state, bytes()) : plainStream(path, state, bytes());
    },
  };
}

/** The object as gzip-members.ts reads it: one stream, then 1 MiB ranged reads, each checked against the version listed. */
function remoteGzipSource(path: string, version: { etag?: string; size: number }): GzipSource {
  return {
    size: version.size,
    stream: () => readStream(path, version),
    readAt: (position, length) => readBytes(path, { start: position, end: Math.min(position + length, version.size), ...version }),
    close: async () => {},
  };
}

async function* gunzipRemote(path: string, source: GzipSource, state: { out: number }, onDamage?: (d: GzipDamage) => void): AsyncGenerator<Buffer> {
  try {
    yield* gunzipMembers(path, source, state, onDamage);
  } catch (e) {
    throw asInputError(path, e, state.out);
  }
}

function asInputError(path: string, e: unknown, decompressed: number): unknown {
  if (e instanceof StorageChangedError) return new CompressedInputError(path, 'object_changed', e.offset, decompressed, e.message);
  if (e instanceof StorageReadError) return new CompressedInputError(path, 'download_failed', e.offset, decompressed, e.message);
  return e;
}

async function* plainStream(path: string, state: { out: number }, src: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of src) {
      state.out += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch (e) {
    throw asInputError(path, e, state.out);
  } finally {
    src.destroy();
  }
}

async function* gunzipStream(path: string, state: { out: number }, src: Readable): AsyncGenerator<Buffer> {
  // a deep read-ahead buffer lets zlib (on the thread pool) inflate while the reader parses what it has
  const gz = createGunzip({ chunkSize: INFLATE_CHUNK, highWaterMark: 8 << 20 } as ZlibOptions);
  src.on('error', (e) => gz.destroy(e));
  src.pipe(gz);
  try {
    for await (const chunk of gz) {
      state.out += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'Z_BUF_ERROR') throw new CompressedInputError(path, 'truncated_gzip', gz.bytesWritten, state.out, err.message);
    if (err.code === 'Z_DATA_ERROR') throw new CompressedInputError(path, 'corrupt_gzip', gz.bytesWritten, state.out, err.message);
    throw asInputError(path, e, state.out);
  } finally {
    src.destroy();
    gz.destroy();
  }
}

async function* unzstdStream(path: string, state: { out: number }, src: Readable): AsyncGenerator<Buffer> {
  // zstd-stream.ts's bounded decoding (compressed slices sized from the ratio), over the object's stream
  try {
    yield* unzstdSource(path, state, src as AsyncIterable<Buffer>);
  } catch (e) {
    throw asInputError(path, e, state.out);
  } finally {
    src.destroy();
  }
}
