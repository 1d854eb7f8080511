// Seeded bytes that do not compress, for objects whose every byte must come back (storage tests), and their hash.

import { createHash } from 'node:crypto';
import { Rng } from '../../lib/rng.js';

export function randomBytes(n: number, seed: number): Buffer {
  const rng = new Rng(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i += 4) b.writeUInt32LE(Math.floor(rng.next() * 2 ** 32) >>> 0, i);
  return b;
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
