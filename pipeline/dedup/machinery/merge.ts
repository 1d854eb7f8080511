// K-way merge of sorted record files (one per producing rank) with a binary heap, reading each file
// in bounded chunks: memory is O(files × chunk), never O(records).

import type { RecordStream } from './record-file.js';

/** Orders two current records: (data, word offset, source number) of each. */
export type RecordOrder = (a: Uint32Array, ai: number, as: number, b: Uint32Array, bi: number, bs: number) => number;

/** Lexicographic on the first `words` words, then by source number, then by the remaining position. */
export function byWords(words: number): RecordOrder {
  return (a, ai, as, b, bi, bs) => {
    for (let w = 0; w < words; w++) {
      const d = a[ai + w] - b[bi + w];
      if (d !== 0) return d;
    }
    return as - bs;
  };
}

export class RecordMerger {
  /** After `next()` returned true: the source number and the record at `data[at .. at+width)`. */
  source = -1;
  data: Uint32Array = new Uint32Array(0);
  at = 0;
  private readonly heap: number[] = [];
  private started = false;

  constructor(private readonly streams: readonly RecordStream[], private readonly order: RecordOrder) {}

  private less(i: number, j: number): boolean {
    const a = this.streams[i], b = this.streams[j];
    return this.order(a.data, a.pos, i, b.data, b.pos, j) < 0;
  }

  private down(k: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * k + 1, r = l + 1;
      let m = k;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === k) return;
      [h[k], h[m]] = [h[m], h[k]];
      k = m;
    }
  }

  next(): boolean {
    const h = this.heap;
    if (!this.started) {
      this.started = true;
      this.streams.forEach((s, i) => {
        if (s.refill()) h.push(i);
      });
      for (let k = (h.length >> 1) - 1; k >= 0; k--) this.down(k);
    } else if (h.length > 0) {
      const s = this.streams[h[0]];
      s.pos += s.header.width;
      if (s.pos >= s.end && !s.refill()) {
        const last = h.pop()!;
        if (h.length > 0) h[0] = last;
      }
      if (h.length > 0) this.down(0);
    }
    if (h.length === 0) return false;
    const s = this.streams[h[0]];
    this.source = h[0];
    this.data = s.data;
    this.at = s.pos;
    return true;
  }
}
