// An open-addressing hash table from 64-bit keys (two uint32 halves) to int32 values, in typed arrays.
// The repetition rules insert one key per n-gram: with a JS Map of non-Smi number keys that costs
// ~2 µs per insert (measured: 1.5 s for the 2-grams of a 2 MB page); here it is a few array writes.
// One table is reused across documents (cleared, grown only when a document needs more).

export class U64Table {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private val: Int32Array;
  private used: Uint8Array;
  private mask: number;
  size = 0;
  /** Slot of the last `find`/`insert`, for reading or updating its value without a second probe. */
  slot = -1;

  constructor(capacity = 1024) {
    const cap = pow2(capacity);
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.val = new Int32Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
  }

  /** Empty the table, sized for about `expected` keys (load factor ≤ 0.5). */
  reset(expected: number): void {
    const cap = pow2(Math.max(1024, expected * 2));
    if (cap > this.used.length || cap * 8 < this.used.length) {
      this.hi = new Uint32Array(cap);
      this.lo = new Uint32Array(cap);
      this.val = new Int32Array(cap);
      this.used = new Uint8Array(cap);
      this.mask = cap - 1;
    } else this.used.fill(0);
    this.size = 0;
  }

  /**
   * Find `key`; insert it with `value` when absent. Returns true when it was already there
   * (`slot` then points at it, `get()`/`set()` read and write its value).
   */
  upsert(hi: number, lo: number, value: number): boolean {
    let i = (Math.imul(hi ^ (lo >>> 15), 0x9e3779b1) ^ lo) & this.mask;
    for (;;) {
      if (this.used[i] === 0) {
        this.used[i] = 1;
        this.hi[i] = hi;
        this.lo[i] = lo;
        this.val[i] = value;
        this.size++;
        this.slot = i;
        return false;
      }
      if (this.hi[i] === hi >>> 0 && this.lo[i] === lo >>> 0) {
        this.slot = i;
        return true;
      }
      i = (i + 1) & this.mask;
    }
  }

  get(): number {
    return this.val[this.slot];
  }
  set(value: number): void {
    this.val[this.slot] = value;
  }

  /** Visit every stored value (slot order, not insertion order). */
  forEachValue(fn: (value: number) => void): void {
    for (let i = 0; i < this.used.length; i++) if (this.used[i]) fn(this.val[i]);
  }
}

function pow2(n: number): number {
  let c = 1;
  while (c < n) c *= 2;
  return c;
}
