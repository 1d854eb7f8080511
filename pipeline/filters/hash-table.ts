// An open-addressing hash table from 64-bit keys (two int32 halves) to non-negative int32 values, in
// typed arrays. The repetition rules insert one key per n-gram: with a JS Map of non-Smi number keys
// that cost ~2 µs per insert (measured: 1.5 s for the 2-grams of a 2 MB page); here it is a few array
// reads and writes. One table is reused across documents (cleared, grown only when a document needs more).

export class U64Table {
  /** Key halves interleaved: keys[2s], keys[2s+1] for slot s (adjacent, one cache line). */
  private keys: Int32Array;
  /** value + 1 per slot; 0 marks an empty slot. */
  private vals: Int32Array;
  private mask: number;
  size = 0;
  /** Slot of the last `upsert`, for reading or updating its value without a second probe. */
  slot = -1;

  constructor(capacity = 1024) {
    const cap = pow2(capacity);
    this.keys = new Int32Array(cap * 2);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** Empty the table, sized for about `expected` keys (load factor ≤ 0.5). */
  reset(expected: number): void {
    const cap = pow2(Math.max(1024, expected * 2));
    if (cap > this.vals.length || cap * 8 < this.vals.length) {
      this.keys = new Int32Array(cap * 2);
      this.vals = new Int32Array(cap);
      this.mask = cap - 1;
    } else this.vals.fill(0);
    this.size = 0;
  }

  /**
   * Find `key`; insert it with `value` (≥ 0) when absent. Returns true when it was already there
   * (`slot` then points at it, `get()`/`set()` read and write its value).
   */
  upsert(hi: number, lo: number, value: number): boolean {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = (Math.imul(hi ^ (lo >>> 15), 0x9e3779b1) ^ lo) & mask;
    for (;;) {
      if (vals[i] === 0) {
        vals[i] = value + 1;
        keys[2 * i] = hi;
        keys[2 * i + 1] = lo;
        this.size++;
        this.slot = i;
        return false;
      }
      if (keys[2 * i] === hi && keys[2 * i + 1] === lo) {
        this.slot = i;
        return true;
      }
      i = (i + 1) & mask;
    }
  }

  get(): number {
    return this.vals[this.slot] - 1;
  }
  set(value: number): void {
    this.vals[this.slot] = value + 1;
  }
}

function pow2(n: number): number {
  let c = 1;
  while (c < n) c *= 2;
  return c;
}
