// BPE of one pre-tokenizer piece in O(n log n), with exactly tiktoken's ids.
//
// tiktoken (core/src/lib.rs, `_byte_pair_merge` and `byte_pair_encode`) keeps the parts of a piece in a vector
// and, for every merge, scans it for the adjacent pair whose concatenated bytes have the lowest rank (the
// leftmost on a tie), merges it and removes one element: O(n·m) for n bytes and m merges. A 40 KB run of one
// letter takes 1.4 s, and on a few MB its fancy-regex hits its backtracking limit, which tiktoken unwraps into
// a WASM trap (`unreachable`) that ends the whole task. Long pieces are rare but real (DNA, minified code, hex
// and base64 blobs, whitespace runs), so they are merged here instead.
//
// Same algorithm, other data structures: parts are a doubly linked list over byte offsets, and the mergeable
// pairs sit in an indexed binary heap keyed by (rank, start offset). Popping the minimum is tiktoken's choice
// exactly (lowest rank, then leftmost, since offsets are ordered like vector indices); a merge changes at most
// two pair ranks (the merged part with its right and left neighbours), each a key update in place. Ranks are
// looked up by the bytes of the concatenation, as tiktoken does, not by the pair of token ids.
// Rank lookups go through a small cache keyed by the two tokens' ids (ids name their bytes one to one), which
// saves the string slice and hash of most lookups on repetitive pieces (2 MB of random letters: 1.1 → 0.85 s).
// Memory: six 32-bit words per byte of the piece while it is merged (24 MB for a 1 MB piece).

import type { MergeableRanks } from './mergeable-ranks.js';

const NO_RANK = 0xffffffff;

/**
 * tiktoken's `encode_ordinary` of one piece given as its UTF-8 bytes: the whole piece's id when it is one
 * token, else the ids of its byte-pair merge.
 */
export function bytePairEncode(bytes: Uint8Array, ranks: MergeableRanks): Uint32Array {
  const n = bytes.length;
  if (n === 0) return new Uint32Array(0);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('latin1');
  const whole = ranks.rank(text);
  if (whole >= 0) return Uint32Array.of(whole);
  if (n === 1) throw new Error(`byte 0x${bytes[0].toString(16)} is not a token of this vocabulary`);

  // Arrays indexed by the start offset of a part. next[i]: start of the part after it (n: the end);
  // prev[i]: start of the one before (-1: none); token[i]: the part's id; pairRank[i]: rank of the part
  // merged with the one after it, NO_RANK when those bytes are no token.
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const token = new Uint32Array(n);
  const pairRank = new Uint32Array(n);
  const heap = new PairHeap(n, pairRank);
  const memo = new PairMemo(ranks, text, n);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
    const id = ranks.rank(text[i]);
    if (id < 0) throw new Error(`byte 0x${bytes[i].toString(16)} is not a token of this vocabulary`);
    token[i] = id;
  }
  for (let i = 0; i + 1 < n; i++) pairRank[i] = memo.rank(token[i], token[i + 1], i, i + 2);
  pairRank[n - 1] = NO_RANK;
  heap.build();

  while (heap.size > 0) {
    const i = heap.top();
    const j = next[i]; // the part merged into i
    const k = next[j]; // the part after the merged one
    heap.remove(j);
    token[i] = pairRank[i];
    next[i] = k;
    if (k < n) prev[k] = i;
    heap.update(i, k < n ? memo.rank(token[i], token[k], i, next[k]) : NO_RANK);
    const p = prev[i];
    if (p >= 0) heap.update(p, memo.rank(token[p], token[i], p, k));
  }

  let count = 0;
  for (let i = 0; i < n; i = next[i]) count++;
  const ids = new Uint32Array(count);
  let at = 0;
  for (let i = 0; i < n; i = next[i]) ids[at++] = token[i];
  return ids;
}


/**
 * A direct-mapped cache of pair → rank, keyed by the two tokens' ids: the bytes, and so the rank, of their
 * concatenation depend on nothing else. Only where each rank belongs to one byte string (always, for tiktoken's
 * and our vocabularies; `MergeableRanks.ranksAreUnique` checks): otherwise every lookup goes to the bytes.
 */
class PairMemo {
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly value: Uint32Array;
  private readonly shift: number;

  /** Up to 2^16 slots, fewer for a short piece, whose distinct pairs are fewer than its bytes. */
  constructor(
    private readonly ranks: MergeableRanks,
    private readonly text: string,
    pieceBytes: number,
  ) {
    const bits = Math.min(16, Math.max(4, Math.ceil(Math.log2(pieceBytes)) + 1));
    this.shift = 32 - bits;
    this.left = new Int32Array(1 << bits).fill(-1);
    this.right = new Int32Array(1 << bits);
    this.value = new Uint32Array(1 << bits);
  }

  rank(a: number, b: number, from: number, to: number): number {
    if (!this.ranks.ranksAreUnique) return this.lookup(from, to);
    const slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) >>> this.shift;
    if (this.left[slot] === a && this.right[slot] === b) return this.value[slot];
    const rank = this.lookup(from, to);
    this.left[slot] = a;
    this.right[slot] = b;
    this.value[slot] = rank;
    return rank;
  }

  private lookup(from: number, to: number): number {
    const rank = this.ranks.rank(this.text.slice(from, to));
    return rank < 0 ? NO_RANK : rank;
  }
}

/**
 * A binary min-heap of part starts keyed by (pairRank[start], start), with each start's place in the heap kept
 * so that a key can change in place. Starts whose pair is NO_RANK are not in the heap.
 */
class PairHeap {
  private readonly items: Int32Array;
  /** Place of each start in `items`, -1 when absent. */
  private readonly place: Int32Array;
  size = 0;

  constructor(
    capacity: number,
    private readonly key: Uint32Array,
  ) {
    this.items = new Int32Array(capacity);
    this.place = new Int32Array(capacity).fill(-1);
  }

  /** Puts every start with a rank in, in O(n) (bottom-up heapify). */
  build(): void {
    for (let i = 0; i < this.key.length; i++) {
      if (this.key[i] === NO_RANK) continue;
      this.items[this.size] = i;
      this.place[i] = this.size++;
    }
    for (let at = (this.size >> 1) - 1; at >= 0; at--) this.down(at);
  }

  top(): number {
    return this.items[0];
  }

  remove(start: number): void {
    const at = this.place[start];
    if (at < 0) return;
    this.place[start] = -1;
    const last = this.items[--this.size];
    if (at === this.size) return;
    this.items[at] = last;
    this.place[last] = at;
    this.down(at);
    this.up(this.place[last]);
  }

  /** Sets the key of `start` (NO_RANK takes it out) and restores the heap. */
  update(start: number, rank: number): void {
    this.key[start] = rank;
    const at = this.place[start];
    if (rank === NO_RANK) {
      this.remove(start);
    } else if (at < 0) {
      this.items[this.size] = start;
      this.place[start] = this.size;
      this.up(this.size++);
    } else {
      this.down(at);
      this.up(this.place[start]);
    }
  }

  private less(a: number, b: number): boolean {
    const ka = this.key[a];
    const kb = this.key[b];
    return ka < kb || (ka === kb && a < b);
  }

  private up(at: number): void {
    const items = this.items;
    const item = items[at];
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.less(item, items[parent])) break;
      items[at] = items[parent];
      this.place[items[at]] = at;
      at = parent;
    }
    items[at] = item;
    this.place[item] = at;
  }

  private down(at: number): void {
    const items = this.items;
    const item = items[at];
    for (;;) {
      let child = 2 * at + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.less(items[child + 1], items[child])) child++;
      if (!this.less(items[child], item)) break;
      items[at] = items[child];
      this.place[items[at]] = at;
      at = child;
    }
    items[at] = item;
    this.place[item] = at;
  }
}
