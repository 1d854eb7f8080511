// Byte-level BPE merges from piece counts: the core of `biglm tokenizer train`.
//
// Input: how often each pre-tokenized piece occurs. Each distinct piece ("word") becomes a run of byte
// symbols in one flat Int32Array; merging a pair rewrites only the words that contain it (found through
// a pair → words index) and updates pair counts by the deltas around each merge site, as Hugging Face's
// trainer does. The best pair comes from a max-heap with lazy deletion: counts of existing pairs only
// ever fall, so a popped entry whose count is stale is pushed back with the current count.
// Ties break by the pair's bytes (left token's bytes, then right token's), so the result depends on the
// text only, never on the order pieces were first seen.

export interface BpeResult {
  /** Token bytes in rank order: 256 single bytes, then one per merge. */
  tokens: Uint8Array[];
  /** Merges performed (a merge whose result already exists as a token adds no rank). */
  merges: number;
}

/** Learn merges until there are `ranks` tokens (or no pair is left). */
export function learnBpe(pieceCounts: ReadonlyMap<string, number>, ranks: number): BpeResult {
  if (!Number.isInteger(ranks) || ranks < 256) throw new Error(`BPE needs at least 256 ranks, got ${ranks}`);
  const tokens: Uint8Array[] = [];
  const known = new Map<string, number>();
  for (let b = 0; b < 256; b++) {
    tokens.push(Uint8Array.of(b));
    known.set(String.fromCharCode(b), b);
  }

  // Words as byte symbols in one flat array; wordLen shrinks as merges join symbols.
  const nWords = pieceCounts.size;
  const encoded: Buffer[] = [];
  const wordCount = new Float64Array(nWords);
  let total = 0;
  let w = 0;
  for (const [piece, count] of pieceCounts) {
    const bytes = Buffer.from(piece, 'utf8');
    encoded.push(bytes);
    wordCount[w++] = count;
    total += bytes.length;
  }
  const sym = new Int32Array(total);
  const wordStart = new Int32Array(nWords);
  const wordLen = new Int32Array(nWords);
  let at = 0;
  for (let i = 0; i < nWords; i++) {
    wordStart[i] = at;
    wordLen[i] = encoded[i].length;
    sym.set(encoded[i], at);
    at += encoded[i].length;
  }
  encoded.length = 0;

  // Pair key = left * K + right; K bounds every token id, so keys stay exact doubles.
  const K = ranks;
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, number[]>();
  const addWord = (key: number, word: number) => {
    const list = pairWords.get(key);
    if (list === undefined) pairWords.set(key, [word]);
    else if (list[list.length - 1] !== word) list.push(word);
  };
  for (let i = 0; i < nWords; i++) {
    const s = wordStart[i];
    const c = wordCount[i];
    for (let j = s; j < s + wordLen[i] - 1; j++) {
      const key = sym[j] * K + sym[j + 1];
      pairCount.set(key, (pairCount.get(key) ?? 0) + c);
      addWord(key, i);
    }
  }

  const heap = new PairHeap(K, tokens);
  for (const [key, count] of pairCount) heap.push(count, key);

  const seen = new Int32Array(nWords).fill(-1);
  const fresh = new Set<number>();
  let merges = 0;
  const bump = (left: number, right: number, delta: number, word: number) => {
    const key = left * K + right;
    const next = (pairCount.get(key) ?? 0) + delta;
    if (next <= 0) pairCount.delete(key);
    else pairCount.set(key, next);
    if (delta > 0) {
      addWord(key, word);
      fresh.add(key);
    }
  };

  while (tokens.length < ranks && heap.size > 0) {
    const [count, key] = heap.pop();
    const current = pairCount.get(key) ?? 0;
    if (current !== count) {
      if (current > 0) heap.push(current, key);
      continue;
    }
    const a = Math.floor(key / K);
    const b = key - a * K;
    const joined = concat(tokens[a], tokens[b]);
    const name = latin1(joined);
    let z = known.get(name);
    if (z === undefined) {
      z = tokens.length;
      tokens.push(joined);
      known.set(name, z);
    }
    merges++;

    const words = pairWords.get(key) ?? [];
    pairWords.delete(key);
    fresh.clear();
    for (const wi of words) {
      if (seen[wi] === merges) continue;
      seen[wi] = merges;
      const s = wordStart[wi];
      const end = s + wordLen[wi];
      const c = wordCount[wi];
      let out = s;
      let r = s;
      while (r < end) {
        if (r + 1 < end && sym[r] === a && sym[r + 1] === b) {
          if (out > s) {
            const p = sym[out - 1];
            bump(p, a, -c, wi);
            bump(p, z, c, wi);
          }
          if (r + 2 < end) {
            const nx = sym[r + 2];
            bump(b, nx, -c, wi);
            bump(z, nx, c, wi);
          }
          sym[out++] = z;
          r += 2;
        } else {
          sym[out++] = sym[r++];
        }
      }
      wordLen[wi] = out - s;
    }
    pairCount.delete(key);
    for (const k of fresh) {
      const c = pairCount.get(k);
      if (c !== undefined) heap.push(c, k);
    }
  }
  return { tokens, merges };
}

function concat(x: Uint8Array, y: Uint8Array): Uint8Array {
  const out = new Uint8Array(x.length + y.length);
  out.set(x);
  out.set(y, x.length);
  return out;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function compareBytes(x: Uint8Array, y: Uint8Array): number {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** Max-heap of (count, pair key); equal counts: the pair with the smaller bytes first. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  constructor(
    private readonly K: number,
    private readonly tokens: Uint8Array[],
  ) {}

  get size(): number {
    return this.counts.length;
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    this.up(this.counts.length - 1);
  }

  pop(): [number, number] {
    const top: [number, number] = [this.counts[0], this.keys[0]];
    const lastCount = this.counts.pop()!;
    const lastKey = this.keys.pop()!;
    if (this.counts.length > 0) {
      this.counts[0] = lastCount;
      this.keys[0] = lastKey;
      this.down(0);
    }
    return top;
  }

  private before(i: number, j: number): boolean {
    const ci = this.counts[i];
    const cj = this.counts[j];
    if (ci !== cj) return ci > cj;
    const ki = this.keys[i];
    const kj = this.keys[j];
    const ai = Math.floor(ki / this.K);
    const aj = Math.floor(kj / this.K);
    const byLeft = ai === aj ? 0 : compareBytes(this.tokens[ai], this.tokens[aj]);
    if (byLeft !== 0) return byLeft < 0;
    return compareBytes(this.tokens[ki - ai * this.K], this.tokens[kj - aj * this.K]) < 0;
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i];
    this.counts[i] = this.counts[j];
    this.counts[j] = c;
    const k = this.keys[i];
    this.keys[i] = this.keys[j];
    this.keys[j] = k;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.counts.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      let best = l;
      if (l + 1 < n && this.before(l + 1, l)) best = l + 1;
      if (!this.before(best, i)) return;
      this.swap(best, i);
      i = best;
    }
  }
}
