// An open-addressing hash table from 64-bit keys (two int32 halves) to non-negative int32 values, in
// typed arrays. The repetition rules insert one key per n-gram: with a JS Map of non-Smi number keys
// that cost ~2 µs per insert (measured: 1.5 s for the 2-grams of a 2 MB page); here it is a few array
// reads and writes. One table is reused across documents (cleared, grown only when a document needs more).

import { codePoints } from './py-text.js';

/** Arrays above this many slots are given back when a document needs far fewer. */
const SHRINK_ABOVE = 1 << 16;

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

  /**
   * Empty the table, sized for about `expected` keys (load factor ≤ 0.5). Only the slots in use are
   * cleared: a small document costs a small table even after a large one (whose arrays are kept
   * unless they are far larger than needed).
   */
  reset(expected: number): void {
    const cap = pow2(Math.max(16, expected * 2));
    if (cap > this.vals.length || (this.vals.length > SHRINK_ABOVE && cap * 8 < this.vals.length)) {
      this.keys = new Int32Array(cap * 2);
      this.vals = new Int32Array(cap);
    } else this.vals.fill(0, 0, cap);
    this.mask = cap - 1;
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

  /**
   * Number the distinct keys (a[i], b[i]) of the positions i = cand[0..nc) in order of first appearance:
   * ids[c] is the number of the key at cand[c]. Empties the table first; returns how many keys there are.
   * One tight loop with the probe inlined: this is the hot path of every n-gram pass.
   */
  number(a: Int32Array, b: Int32Array, cand: Int32Array, nc: number, ids: Int32Array): number {
    this.reset(nc);
    const { keys, vals, mask } = this;
    let distinct = 0;
    for (let c = 0; c < nc; c++) {
      const i = cand[c];
      const hi = a[i];
      const lo = b[i];
      let s = (Math.imul(hi ^ (lo >>> 15), 0x9e3779b1) ^ lo) & mask;
      for (;;) {
        const v = vals[s];
        if (v === 0) {
          keys[2 * s] = hi;
          keys[2 * s + 1] = lo;
          vals[s] = ++distinct;
          ids[c] = distinct - 1;
          break;
        }
        if (keys[2 * s] === hi && keys[2 * s + 1] === lo) {
          ids[c] = v - 1;
          break;
        }
        s = (s + 1) & mask;
      }
    }
    this.size = distinct;
    return distinct;
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

/**
 * Duplicate counting over ranges of one text (lines, paragraphs) without slicing them into strings, with
 * exactly the result of a Set of the sliced strings (first occurrence not a duplicate). Ranges are
 * collected with `add`, then `count` finds the duplicates in two steps: a signature of each range (its
 * length and three of its characters, O(1)) is counted, and only ranges sharing their signature with
 * another are hashed in full and compared character by character. Prose rarely repeats a line, so most
 * characters are never hashed. Reused across documents like U64Table.
 */
export class RangeDuplicates {
  private starts = new Int32Array(256);
  private ends = new Int32Array(256);
  private n = 0;
  // Open addressing over slots [0, mask]: signature counts, then full hashes with their first range.
  private keys = new Int32Array(1024);
  private vals = new Int32Array(1024);
  private mask = 1023;
  /** Ranges seen again after their first occurrence, and their characters (set by `count`). */
  elements = 0;
  chars = 0;

  /** Forget every range. */
  reset(): void {
    this.n = 0;
    if (this.starts.length > SHRINK_ABOVE) {
      this.starts = new Int32Array(256);
      this.ends = new Int32Array(256);
    }
  }

  /** Add the range text[a, b). */
  add(a: number, b: number): void {
    if (this.n === this.starts.length) {
      const s = new Int32Array(this.n * 2); s.set(this.starts); this.starts = s;
      const e = new Int32Array(this.n * 2); e.set(this.ends); this.ends = e;
    }
    this.starts[this.n] = a;
    this.ends[this.n++] = b;
  }

  /** Count the duplicates among the ranges added since `reset`; `astral`: characters counted in code points. */
  count(text: string, astral = false): void {
    this.elements = 0;
    this.chars = 0;
    const n = this.n;
    if (n < 2) return;
    const { starts, ends } = this;
    // Step 1: how many ranges share each signature (vals: count + 1, 0 = empty slot).
    this.clear(n);
    const sigs = n <= scratch.length ? scratch : (scratch = new Int32Array(n * 2));
    let shared = 0;
    for (let r = 0; r < n; r++) {
      const a = starts[r];
      const len = ends[r] - a;
      const sig = len === 0 ? 0 : Math.imul(len, 0x9e3779b1) ^ Math.imul(text.charCodeAt(a), 0x85ebca6b) ^
        Math.imul(text.charCodeAt(a + (len >> 1)), 0xc2b2ae35) ^ Math.imul(text.charCodeAt(a + len - 1), 0x27d4eb2f);
      sigs[r] = sig;
      const s = this.find(sig);
      if (this.vals[s] === 0) {
        this.keys[s] = sig;
        this.vals[s] = 2;
      } else if (this.vals[s]++ === 2) shared++;
    }
    if (shared === 0) return;
    // Step 2: ranges whose signature repeats, hashed in full (vals: first range with that hash + 1).
    const repeats: number[] = [];
    for (let r = 0; r < n; r++) if (this.vals[this.find(sigs[r])] > 2) repeats.push(r);
    this.clear(repeats.length);
    for (const r of repeats) {
      const a = starts[r];
      const b = ends[r];
      let h = 0x811c9dc5 ^ (b - a);
      for (let i = a; i < b; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
      for (let s = (Math.imul(h ^ (h >>> 15), 0x9e3779b1) >>> 0) & this.mask; ; s = (s + 1) & this.mask) {
        const v = this.vals[s];
        if (v === 0) {
          this.keys[s] = h;
          this.vals[s] = r + 1;
          break;
        }
        if (this.keys[s] === h && sameRange(text, starts[v - 1], ends[v - 1], a, b)) {
          this.elements++;
          this.chars += astral ? codePoints(text, a, b) : b - a;
          break;
        }
      }
    }
  }

  /** Empty slots for `expected` keys (load factor ≤ 0.5). */
  private clear(expected: number): void {
    const cap = pow2(Math.max(16, expected * 2));
    if (cap > this.vals.length || (this.vals.length > SHRINK_ABOVE && cap * 8 < this.vals.length)) {
      this.keys = new Int32Array(cap);
      this.vals = new Int32Array(cap);
    } else this.vals.fill(0, 0, cap);
    this.mask = cap - 1;
  }

  /** Slot holding `key`, or the empty slot where it goes. */
  private find(key: number): number {
    let s = (Math.imul(key ^ (key >>> 15), 0x9e3779b1) >>> 0) & this.mask;
    while (this.vals[s] !== 0 && this.keys[s] !== key) s = (s + 1) & this.mask;
    return s;
  }
}

let scratch = new Int32Array(1024);

function sameRange(text: string, a1: number, b1: number, a2: number, b2: number): boolean {
  if (b1 - a1 !== b2 - a2) return false;
  for (let i = 0; i < b1 - a1; i++) if (text.charCodeAt(a1 + i) !== text.charCodeAt(a2 + i)) return false;
  return true;
}
