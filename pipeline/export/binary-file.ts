// A binary output file written through a fixed-size buffer to a temporary name, hashed on the way and
// renamed into place on close: the shared sink of the export formats.

import { closeSync, openSync, renameSync, rmSync, writeSync, fsyncSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tempName } from '../../lib/atomic.js';

export interface ExportedFile {
  path: string;
  bytes: number;
  sha256: string;
}

export class BinaryFile {
  private readonly tmp: string;
  private readonly fd: number;
  private readonly buf: Uint8Array;
  private used = 0;
  private readonly hash = createHash('sha256');
  bytes = 0;

  constructor(
    readonly target: string,
    bufferBytes = 4 * 1024 * 1024,
  ) {
    this.tmp = tempName(target);
    this.fd = openSync(this.tmp, 'w');
    this.buf = new Uint8Array(bufferBytes);
  }

  /** Appends the bytes of any typed array (in the machine's byte order: little-endian, checked by the exporters). */
  write(data: ArrayBufferView): void {
    let bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    while (bytes.length > 0) {
      if (this.used === this.buf.length) this.flush();
      const n = Math.min(bytes.length, this.buf.length - this.used);
      this.buf.set(bytes.subarray(0, n), this.used);
      this.used += n;
      bytes = bytes.subarray(n);
    }
  }

  private flush(): void {
    const chunk = this.buf.subarray(0, this.used);
    this.hash.update(chunk);
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
    this.bytes += chunk.length;
    this.used = 0;
  }

  close(): ExportedFile {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(this.tmp, this.target);
    return { path: this.target, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  abort(): void {
    closeSync(this.fd);
    rmSync(this.tmp, { force: true });
  }
}
