// Small, fast 32-bit hashing on JS numbers (murmur3 mixing steps): the seeded Rng avalanches its seeds with
// fmix32, and two independent lanes of these make MinHash's 64-bit shingle and band hashes; Math.imul keeps
// everything in int32 registers.

export function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** murmur3 finalizer: full avalanche of a 32-bit state. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One murmur3 block step: mix the 32-bit word `k` into state `h`. */
export function mix32(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = rotl(k, 15);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = rotl(h, 13);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** murmur3-style hash of a string's UTF-16 code units (two per block). */
export function hashString32(s: string, seed: number): number {
  let h = seed | 0;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) h = mix32(h, s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
  if (i < n) h = mix32(h, s.charCodeAt(i));
  return fmix32(h ^ n);
}
