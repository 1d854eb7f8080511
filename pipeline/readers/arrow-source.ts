// The bytes of an Arrow IPC input as the Arrow reader takes them: positioned reads for the file format
// (apache-arrow reads the footer, then each record batch where the footer places it) and a stream from some
// offset for the stream format and the fallback after damage. A local file is a file handle; an s3:// or
// http(s):// object is read by ranged GETs, each checked against the size and ETag stat'ed when it was
// opened, so a file replaced mid-read fails instead of mixing versions — and nothing is copied to disk.

import { createReadStream, promises as fs } from 'node:fs';
import { isRemote, readBytes, readStream, statObject, StorageNotFoundError } from '../../storage/index.js';

export interface ArrowSource {
  readonly size: number;
  /** A file descriptor for apache-arrow's file-handle check (-1 for a remote object: it never reads through it). */
  readonly fd: number;
  /** As FileHandle.read: up to `length` bytes at `position` into `buffer` at `offset`. */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number; buffer: Uint8Array }>;
  /** Every byte from `start` on. */
  stream(start: number): AsyncIterable<Buffer> & { destroy(): void };
  close(): Promise<void>;
}

/**
 * Small reads (a message's length and metadata, a small batch) are served from one cached block, so reading a
 * batch costs one GET rather than three; reads of a block or more go straight to the store.
 */
const BLOCK = 1 << 20;

async function openRemote(location: string): Promise<ArrowSource> {
  const info = await statObject(location);
  if (info === undefined) throw new StorageNotFoundError(location, 'nothing there');
  const size = info.size;
  const version = { etag: info.etag, size };
  let cached: { start: number; bytes: Buffer } | undefined;
  const bytesAt = async (position: number, length: number): Promise<Buffer> => {
    const end = Math.min(size, position + length);
    if (cached && position >= cached.start && end <= cached.start + cached.bytes.length) {
      return cached.bytes.subarray(position - cached.start, end - cached.start);
    }
    if (length >= BLOCK) return readBytes(location, { start: position, end, ...version });
    cached = { start: position, bytes: await readBytes(location, { start: position, end: Math.min(size, position + BLOCK), ...version }) };
    return cached.bytes.subarray(0, end - position);
  };
  return {
    size,
    fd: -1,
    async read(buffer, offset, length, position) {
      if (position >= size || length <= 0) return { bytesRead: 0, buffer };
      const got = await bytesAt(position, length);
      buffer.set(got, offset);
      return { bytesRead: got.length, buffer };
    },
    stream: (start) => readStream(location, { start, ...version }),
    close: async () => {
      cached = undefined;
    },
  };
}

async function openLocal(path: string): Promise<ArrowSource> {
  const fh = await fs.open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    return {
      size,
      fd: fh.fd,
      read: (buffer, offset, length, position) => fh.read(buffer, offset, length, position),
      stream: (start) => createReadStream(path, { start, highWaterMark: 1 << 20 }),
      close: () => fh.close(),
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

export function openArrowSource(location: string): Promise<ArrowSource> {
  return isRemote(location) ? openRemote(location) : openLocal(location);
}
