// Random access to one input file as hyparquet's AsyncBuffer (`{ byteLength, slice(start, end) }`): every
// slice is one positioned read (pread) on a file handle kept open for the file's whole read. This is the one
// place a columnar reader touches the file, so a remote store backs the same interface with ranged reads.

import { promises as fs } from 'node:fs';
import { isRemote, readBytes, statObject, StorageNotFoundError } from '../../storage/index.js';

export interface RangedFile {
  /** Size of the file in bytes. */
  readonly byteLength: number;
  /** Bytes [start, end) (end defaults to the file's end; both clamped to it); a fresh ArrayBuffer per call. */
  slice(start: number, end?: number): Promise<ArrayBuffer>;
  close(): Promise<void>;
}

/**
 * An s3:// or http(s):// object: each slice is one ranged GET through the storage layer (resumed after a cut,
 * checked against the ETag and size stat'ed here, so a file replaced mid-read fails instead of mixing versions).
 */
async function openRemoteRangedFile(location: string): Promise<RangedFile> {
  const info = await statObject(location);
  if (info === undefined) throw new StorageNotFoundError(location, 'nothing there');
  const byteLength = info.size;
  return {
    byteLength,
    async slice(start: number, end = byteLength): Promise<ArrayBuffer> {
      const from = Math.max(0, Math.min(start, byteLength));
      const to = Math.max(from, Math.min(end, byteLength));
      if (to === from) return new ArrayBuffer(0);
      const b = await readBytes(location, { start: from, end: to, etag: info.etag, size: byteLength });
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
    },
    close: async () => {},
  };
}

/** Opens a file for ranged reads: local (pread), or remote (ranged GETs). */
export async function openRangedFile(path: string): Promise<RangedFile> {
  if (isRemote(path)) return openRemoteRangedFile(path);
  const fh = await fs.open(path, 'r');
  let byteLength: number;
  try {
    byteLength = (await fh.stat()).size;
  } catch (e) {
    await fh.close();
    throw e;
  }
  return {
    byteLength,
    async slice(start: number, end = byteLength): Promise<ArrayBuffer> {
      const from = Math.max(0, Math.min(start, byteLength));
      const to = Math.max(from, Math.min(end, byteLength));
      const out = new Uint8Array(to - from);
      let done = 0;
      while (done < out.length) {
        const { bytesRead } = await fh.read(out, done, out.length - done, from + done);
        if (bytesRead === 0) break; // the file shrank while we read it: the caller sees a short slice
        done += bytesRead;
      }
      return done === out.length ? out.buffer : out.buffer.slice(0, done);
    },
    close: () => fh.close(),
  };
}
