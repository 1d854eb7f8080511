// Lookups of spaCy's English special cases (exceptions.ts) in the tokenizer's hot path. Most chunks are
// ordinary words, so a chunk is sliced and looked up only when its FNV-1a hash has its bit set in a bitmap
// of the special cases' hashes (about 1 chunk in 200 that is not a special case).

import { englishSpecialCases } from './exceptions.js';

export const SPECIALS = englishSpecialCases();
export let MAX_SPECIAL = 0;
for (const k of SPECIALS.keys()) MAX_SPECIAL = Math.max(MAX_SPECIAL, k.length);

export const HASH_BITS = 1 << 18;
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const fnv = (h: number, c: number): number => Math.imul(h ^ c, 0x01000193);

export function rangeHash(text: string, a: number, b: number): number {
  let h = FNV_OFFSET;
  for (let i = a; i < b; i++) h = fnv(h, text.charCodeAt(i));
  return h;
}

/** A bitmap over HASH_BITS of the hashes of `strings`. */
export function hashBitmap(strings: Iterable<string>): Uint8Array {
  const bits = new Uint8Array(HASH_BITS >> 3);
  for (const s of strings) {
    const h = rangeHash(s, 0, s.length) & (HASH_BITS - 1);
    bits[h >> 3] |= 1 << (h & 7);
  }
  return bits;
}

export function hasBit(bits: Uint8Array, h: number): boolean {
  const bit = h & (HASH_BITS - 1);
  return (bits[bit >> 3] & (1 << (bit & 7))) !== 0;
}

const SPECIAL_HASHES = hashBitmap(SPECIALS.keys());

/** Is text[a, b), whose hash is h, a special case? */
export function isSpecialAt(text: string, a: number, b: number, h: number): boolean {
  return b - a <= MAX_SPECIAL && hasBit(SPECIAL_HASHES, h) && SPECIALS.has(text.slice(a, b));
}

/** The special case's tokens, if `s` is one. */
export function special(s: string): readonly string[] | undefined {
  return s.length <= MAX_SPECIAL ? SPECIALS.get(s) : undefined;
}
