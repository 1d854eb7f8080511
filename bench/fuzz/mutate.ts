// Seeded mutations of a clean file, the kinds of damage disks, transfers and bad writers make: flipped
// bytes and bits, cuts, zeroed or random stretches, inserted or deleted bytes, a copied stretch, and
// length fields overwritten with the values that break parsers (0, -1, -8, 2^31-1, the file size).

import { Rng } from '../../lib/rng.js';

export interface Mutant {
  /** How the seed was damaged, e.g. `flip@1234`. */
  what: string;
  data: Buffer;
}

const BOUNDARY = [0, -1, -8, 0x7fffffff, 0x80000000 | 0];

export function mutate(seed: Buffer, rng: Rng): Mutant {
  const n = seed.length;
  const at = () => rng.int(0, Math.max(1, n));
  // Damage near the ends (headers, footers, magic) is worth more tries than the middle.
  const nearEnd = () => (rng.next() < 0.5 ? rng.int(0, Math.min(n, 64)) : Math.max(0, n - 1 - rng.int(0, Math.min(n, 64))));
  const b = Buffer.from(seed);
  switch (rng.int(0, 10)) {
    case 0: {
      const i = at();
      b[i] ^= 1 + rng.int(0, 255);
      return { what: `flip@${i}`, data: b };
    }
    case 1: {
      const i = nearEnd();
      b[i] ^= 1 << rng.int(0, 8);
      return { what: `bit@${i}`, data: b };
    }
    case 2: {
      const len = rng.int(0, n);
      return { what: `truncate@${len}`, data: seed.subarray(0, len) };
    }
    case 3: {
      const i = at();
      const len = Math.min(n - i, rng.int(1, 64));
      b.fill(0, i, i + len);
      return { what: `zero@${i}+${len}`, data: b };
    }
    case 4: {
      const i = at();
      const len = Math.min(n - i, rng.int(1, 64));
      for (let k = i; k < i + len; k++) b[k] = rng.int(0, 256);
      return { what: `random@${i}+${len}`, data: b };
    }
    case 5: {
      const i = at();
      const extra = Buffer.from(Array.from({ length: rng.int(1, 32) }, () => rng.int(0, 256)));
      return { what: `insert@${i}+${extra.length}`, data: Buffer.concat([seed.subarray(0, i), extra, seed.subarray(i)]) };
    }
    case 6: {
      const i = at();
      const len = Math.min(n - i, rng.int(1, 256));
      return { what: `delete@${i}+${len}`, data: Buffer.concat([seed.subarray(0, i), seed.subarray(i + len)]) };
    }
    case 7: {
      const i = at();
      const len = Math.min(n - i, rng.int(1, 512));
      const j = at();
      return { what: `copy@${i}+${len}->${j}`, data: Buffer.concat([seed.subarray(0, j), seed.subarray(i, i + len), seed.subarray(j)]) };
    }
    case 8: {
      if (n < 4) return { what: 'empty', data: Buffer.alloc(0) };
      const i = Math.min(n - 4, nearEnd());
      const v = rng.next() < 0.2 ? n : BOUNDARY[rng.int(0, BOUNDARY.length)];
      b.writeInt32LE(v | 0, i);
      return { what: `int32@${i}=${v | 0}`, data: b };
    }
    default: {
      // Several flips at once.
      const k = rng.int(2, 9);
      const where: number[] = [];
      for (let j = 0; j < k; j++) {
        const i = at();
        b[i] ^= 1 + rng.int(0, 255);
        where.push(i);
      }
      return { what: `flips@${where.join(',')}`, data: b };
    }
  }
}
