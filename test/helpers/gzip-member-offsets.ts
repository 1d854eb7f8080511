// Where each member of a multi-member gzip file starts, for tests that damage one member on purpose.

import { inflateRawSync } from 'node:zlib';

/** Compressed offsets of every member (each inflated to find its end; a member without extra header fields). */
export function memberOffsets(gz: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = 0; at < gz.length; ) {
    offsets.push(at);
    const r = inflateRawSync(gz.subarray(at + 10), { info: true }) as unknown as { engine: { bytesWritten: number } };
    at += 10 + r.engine.bytesWritten + 8;
  }
  return offsets;
}
