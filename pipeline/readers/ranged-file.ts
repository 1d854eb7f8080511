// Random access to one input file as hyparquet's AsyncBuffer (`{ byteLength, slice(start, end) }`): every
// slice is one positioned read (pread) on a file handle kept open for the file's whole read. This is the one
// place a columnar reader touches the file, so a remote store backs the same interface with ranged reads.

import { promises as fs } from 'node:fs';

export interface RangedFile {
  /** Size of the file in bytes. */
  readonly byteLength: number;
  /** Bytes [start, end) (end defaults to the file's end; both clamped to it); a fresh ArrayBuffer per call. */
  slice(start: number, end?: number): Promise<ArrayBuffer>;
  close(): Promise<void>;
}

/** Opens a local file for ranged reads. */
export async function openRangedFile(path: string): Promise<RangedFile> {
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
