// MinHash signatures and LSH band hashes of one document (datatrove/FineWeb defaults: 5-word
// shingles, 14 bands × 8 rows, permutations (a·x + b) mod (2^61 − 1)).
//
// Each unit (word or character) gets two independent 32-bit murmur3 hashes; a shingle's 64-bit hash is
// a rolling polynomial hash per lane over its units' hashes, finalized with fmix32 and reduced to the
// field [0, 2^61 − 1). The 112 minima are computed by the WebAssembly kernel. Each band's
// 8 minima are then hashed to one 64-bit band hash: two documents share a bucket when those hashes are
// equal (a false collision needs a 64-bit hash clash, ~2^-64 per pair and band, which we accept in
// exchange for 12-byte bucket records instead of 68).

import { Rng } from '../../../lib/rng.js';
import { fmix32, hashString32, mix32 } from '../../../lib/hash32.js';
import { MinHashKernel } from '../machinery/mersenne.js';
import { WordHasher } from './word-hashes.js';
import { normalizeText, splitChars, splitWords, type NormalizationOptions, type Segmentation } from '../normalize.js';

export interface MinHashParams {
  bands: number;
  rows: number;
  /** Units per shingle. */
  shingleSize: number;
  unit: 'word' | 'char';
  segmentation: Segmentation;
  normalization: NormalizationOptions;
  /** Seeds the permutations; runs deduped against each other must use the same seed. */
  seed: number;
}

const LANE1 = 0x9747b28c;
const ROLL1 = 0x01000193; // odd multipliers of the rolling shingle hash (one per lane)
const ROLL2 = 0x5bd1e995;
const LANE2 = 0x3c6ef372;

/** (a, b) pairs for `count` permutations as u32 words [a.lo, a.hi, b.lo, b.hi, …], all < 2^61, a ≥ 1. */
export function permutationParams(count: number, seed: number): Uint32Array {
  const rng = new Rng('minhash-permutations', seed);
  const out = new Uint32Array(count * 4);
  const word = () => rng.int(0, 0x100000000);
  for (let k = 0; k < count; k++) {
    // hi word < 2^29 keeps the value < 2^61; the all-ones value (= p) and a = 0 are redrawn.
    let alo: number, ahi: number;
    do {
      alo = word();
      ahi = word() & 0x1fffffff;
    } while ((alo === 0 && ahi === 0) || (alo === 0xffffffff && ahi === 0x1fffffff));
    let blo: number, bhi: number;
    do {
      blo = word();
      bhi = word() & 0x1fffffff;
    } while (blo === 0xffffffff && bhi === 0x1fffffff);
    out.set([alo, ahi, blo, bhi], k * 4);
  }
  return out;
}

/** Documents with more shingles than this skip the repeat check (its table would take > 48 MB). */
const MAX_DISTINCT_TABLE = 1 << 21;

/**
 * A set of (lo, hi) u32 pairs for one document at a time: open addressing over power-of-two tables, and a
 * generation stamp per slot so that starting the next document costs nothing.
 */
class PairSet {
  private los = new Int32Array(0);
  private his = new Int32Array(0);
  private stamps = new Uint32Array(0);
  private mask = 0;
  private gen = 0;

  /** Empty the set, with room for `n` pairs. */
  reset(n: number): this {
    if (n * 2 > this.stamps.length) {
      let cap = 1024;
      while (cap < n * 2) cap *= 2;
      this.los = new Int32Array(cap);
      this.his = new Int32Array(cap);
      this.stamps = new Uint32Array(cap);
      this.mask = cap - 1;
      this.gen = 0;
    }
    if (++this.gen === 0xffffffff) {
      this.stamps.fill(0);
      this.gen = 1;
    }
    return this;
  }

  /** Adds the pair; false when it was already there. `lo` is a finalized hash, so its low bits index. */
  add(lo: number, hi: number): boolean {
    const { los, his, stamps, mask, gen } = this;
    let slot = lo & mask;
    while (stamps[slot] === gen) {
      if (los[slot] === (lo | 0) && his[slot] === (hi | 0)) return false;
      slot = (slot + 1) & mask;
    }
    stamps[slot] = gen;
    los[slot] = lo;
    his[slot] = hi;
    return true;
  }
}

export class MinHasher {
  readonly params: MinHashParams;
  readonly numPerm: number;
  private readonly kernel: MinHashKernel;
  private h1 = new Int32Array(1024);
  private h2 = new Int32Array(1024);
  private readonly words: WordHasher;
  private readonly distinct = new PairSet();

  private readonly skipRepeats: boolean;

  /** `simd: false` forces the scalar kernel, `skipRepeats: false` hashes repeated shingles again (tests compare both). */
  constructor(params: MinHashParams, opts: { simd?: boolean; skipRepeats?: boolean } = {}) {
    this.skipRepeats = opts.skipRepeats ?? true;
    this.params = params;
    this.numPerm = params.bands * params.rows;
    this.kernel = new MinHashKernel(permutationParams(this.numPerm, params.seed), opts);
    this.words = new WordHasher(params.normalization, params.segmentation, LANE1, LANE2);
  }

  /** Units (words or characters) of a document after normalization. */
  units(text: string): string[] {
    const norm = normalizeText(text, this.params.normalization);
    return this.params.unit === 'char' ? splitChars(norm) : splitWords(norm, this.params.segmentation);
  }

  /**
   * Writes the 61-bit hashes of the document's distinct shingles into the kernel's memory and returns how
   * many. 0 when the document has fewer units than one shingle (such documents are only exact-deduped).
   */
  private loadShingles(text: string): number {
    const size = this.params.shingleSize;
    let h1: Int32Array, h2: Int32Array, count: number;
    if (this.params.unit === 'word') {
      count = this.words.hash(text);
      h1 = this.words.h1;
      h2 = this.words.h2;
    } else {
      const units = this.units(text);
      count = units.length;
      if (this.h1.length < count) {
        this.h1 = new Int32Array(count * 2);
        this.h2 = new Int32Array(count * 2);
      }
      h1 = this.h1;
      h2 = this.h2;
      for (let i = 0; i < count; i++) {
        h1[i] = hashString32(units[i], LANE1);
        h2[i] = hashString32(units[i], LANE2);
      }
    }
    const n = count - size + 1;
    if (n <= 0) return 0;
    const kernel = this.kernel;
    const mem = kernel.ensure(n);
    // Rolling polynomial hash of the units' hashes per lane, Σ h[i+j]·K^(size−1−j) mod 2^32, then a
    // finalizer: O(1) per shingle whatever the shingle size, and order-sensitive.
    let kTop1 = 1, kTop2 = 1;
    for (let j = 1; j < size; j++) {
      kTop1 = Math.imul(kTop1, ROLL1);
      kTop2 = Math.imul(kTop2, ROLL2);
    }
    let a = 0, b = 0;
    for (let j = 0; j < size - 1; j++) {
      a = (Math.imul(a, ROLL1) + h1[j]) | 0;
      b = (Math.imul(b, ROLL2) + h2[j]) | 0;
    }
    // A shingle that repeats in the document (quoted mail, a page's repeated menu) cannot change a
    // minimum, so each distinct hash goes to the kernel once: 17 % fewer on the bench's mail and Brown.
    const seen = this.skipRepeats && n <= MAX_DISTINCT_TABLE ? this.distinct.reset(n) : null;
    let m = 0;
    for (let i = 0; i < n; i++) {
      a = (Math.imul(a, ROLL1) + h1[i + size - 1]) | 0;
      b = (Math.imul(b, ROLL2) + h2[i + size - 1]) | 0;
      let hi = fmix32(a ^ LANE1) & 0x1fffffff;
      let lo = fmix32(b ^ LANE2);
      a = (a - Math.imul(h1[i], kTop1)) | 0;
      b = (b - Math.imul(h2[i], kTop2)) | 0;
      if (hi === 0x1fffffff && lo === 0xffffffff) hi = lo = 0; // x ≡ p ≡ 0 (mod p)
      if (seen !== null && !seen.add(lo, hi)) continue;
      kernel.setX(mem, m++, lo, hi);
    }
    return m;
  }

  /** The document's distinct 61-bit shingle hashes in order of first occurrence (a copy), for tests and inspection. */
  shingleHashes(text: string): BigUint64Array {
    const n = this.loadShingles(text);
    const mem = this.kernel.ensure(n);
    const out = new BigUint64Array(n);
    for (let i = 0; i < n; i++) {
      const [lo, hi] = this.kernel.getX(mem, i);
      out[i] = (BigInt(hi) << 32n) | BigInt(lo);
    }
    return out;
  }

  /** The raw signature: numPerm minima as [lo, hi] u32 pairs, or null for documents without shingles. */
  signature(text: string): Uint32Array | null {
    const n = this.loadShingles(text);
    if (n === 0) return null;
    const mem = this.kernel.run(n);
    const o = this.kernel.outIndex;
    return mem.slice(o, o + this.numPerm * 2);
  }

  /**
   * Band hashes as [hi, lo] u32 pairs per band (2·bands words), or null without shingles.
   * `out` is reused across calls to avoid allocation in the hot loop. When `lows` is given, it
   * receives the low 32 bits of every minimum (numPerm words) for candidate verification.
   */
  bandHashes(text: string, out: Uint32Array = new Uint32Array(this.params.bands * 2), lows?: Uint32Array): Uint32Array | null {
    const n = this.loadShingles(text);
    if (n === 0) return null;
    const mem = this.kernel.run(n);
    const { bands, rows } = this.params;
    let at = this.kernel.outIndex;
    if (lows) for (let k = 0; k < this.numPerm; k++) lows[k] = mem[at + 2 * k];
    for (let band = 0; band < bands; band++) {
      let a = LANE1 ^ band, b = LANE2 + band;
      for (let r = 0; r < rows; r++) {
        const lo = mem[at++], hi = mem[at++];
        a = mix32(mix32(a, lo), hi);
        b = mix32(mix32(b, hi), lo);
      }
      out[band * 2] = fmix32(a ^ rows);
      out[band * 2 + 1] = fmix32(b ^ (rows * 8));
    }
    return out;
  }
}

/** Exact Jaccard similarity of two documents' shingle sets (brute-force reference for evaluations). */
export function shingleSet(hasher: MinHasher, text: string): Set<string> {
  const units = hasher.units(text);
  const size = hasher.params.shingleSize;
  const out = new Set<string>();
  for (let i = 0; i + size <= units.length; i++) out.add(units.slice(i, i + size).join('\u0001'));
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  const [small, big] = a.size < b.size ? [a, b] : [b, a];
  for (const x of small) if (big.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Probability that LSH with `bands` × `rows` puts a pair of Jaccard similarity `s` in a shared bucket. */
export function lshCatchProbability(s: number, bands: number, rows: number): number {
  return 1 - Math.pow(1 - Math.pow(s, rows), bands);
}
