// Seeded randomness. Every random choice comes from a generator derived from (seed, rank, shard, …),
// never Math.random(), so the same input + config + seed gives byte-identical output.

import { fmix32 } from './hash32.js';

/** 32-bit FNV-1a over the parts, used to derive independent stream seeds. */
function mixSeed(parts: readonly (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = String(part);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x2c; // separator so ("1","23") differs from ("12","3")
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32 generator: tiny, fast, good enough for sampling (not for cryptography). */
export class Rng {
  private state: number;
  /**
   * The stream prepare, mask and mix draw from. Its seeding is kept as it is because their outputs
   * (shards, masks, mixtures) must stay byte-identical across versions; new callers use Rng.independent.
   */
  constructor(...seedParts: (number | string)[]) {
    this.state = mixSeed(seedParts);
  }

  /** A stream whose seed parts are avalanched first, so neighbouring parts give unrelated sequences. */
  static independent(...seedParts: (number | string)[]): Rng {
    const rng = new Rng();
    // FNV-1a alone leaves neighbouring parts (epoch 4 vs 5) with states whose first mulberry32 outputs are
    // correlated, so two shuffles drawn from them can come out the same; murmur3's finalizer avalanches them.
    rng.state = fmix32(mixSeed(seedParts));
    return rng;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [lo, hi). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo));
  }
  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}
