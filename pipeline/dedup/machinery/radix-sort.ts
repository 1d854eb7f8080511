// Stable LSD radix sort of fixed-width u32 records. Sorting millions of (hash, index) records with a JS
// comparator costs ~1 µs each; four 16-bit counting passes per key word cost a few ns.

/**
 * Sort `records` (n records of `width` words) by the key words `keyWords` (most significant first),
 * stably, so records with equal keys keep their input order. Returns a new array.
 */
export function radixSortRecords(records: Uint32Array, width: number, keyWords: readonly number[]): Uint32Array {
  const n = records.length / width;
  let perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let next = new Uint32Array(n);
  const counts = new Uint32Array(65537);
  for (let k = keyWords.length - 1; k >= 0; k--) {
    const w = keyWords[k];
    for (const shift of [0, 16]) {
      counts.fill(0);
      for (let i = 0; i < n; i++) counts[((records[perm[i] * width + w] >>> shift) & 0xffff) + 1]++;
      // a pass where every record has the same digit changes nothing
      if (counts.includes(n)) continue;
      for (let d = 1; d <= 65536; d++) counts[d] += counts[d - 1];
      for (let i = 0; i < n; i++) {
        const r = perm[i];
        next[counts[(records[r * width + w] >>> shift) & 0xffff]++] = r;
      }
      [perm, next] = [next, perm];
    }
  }
  const out = new Uint32Array(records.length);
  for (let i = 0, at = 0; i < n; i++) {
    const from = perm[i] * width;
    for (let j = 0; j < width; j++) out[at++] = records[from + j];
  }
  return out;
}

/** A growable u32 buffer (amortized doubling) for collecting records before sorting. */
export class U32Buffer {
  data: Uint32Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Uint32Array(initial);
  }
  push3(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) this.grow(3);
    const d = this.data;
    d[this.length] = a;
    d[this.length + 1] = b;
    d[this.length + 2] = c;
    this.length += 3;
  }
  push(...words: number[]): void {
    if (this.length + words.length > this.data.length) this.grow(words.length);
    for (const w of words) this.data[this.length++] = w;
  }
  private grow(extra: number): void {
    const next = new Uint32Array(Math.max(this.data.length * 2, this.length + extra));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}
