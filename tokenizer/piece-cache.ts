// Fast exact encoding: split with the encoding's regex in JS, look each piece up in a bounded Map, then
// in a bigger table (shared-piece-table.ts: the pool's, shared by its threads, or the encoder's own), and
// ask tiktoken's BPE only for pieces found in neither.
//
// Why this is exact: tiktoken's encode_ordinary is "for each regex match: BPE(match)", and a match
// encoded on its own splits into itself again (the patterns' only lookahead, `\s+(?!\S)`, accepts at
// the end of the text), so `encode_ordinary(piece)` gives exactly the ids tiktoken gives the piece in
// context. Why it is fast: V8's regex engine is quicker than fancy-regex behind a WASM call, most
// pieces of real text repeat (a few thousand distinct words cover most of it), and a cache hit skips
// the UTF-8 copy into WASM, the regex and the merge loop.
//
// Pieces longer than `maxPieceLength` never go to tiktoken: its merge is quadratic in the piece and its regex
// traps on runs of a few MB (byte-pair-merge.ts says why); they are merged in JS in O(n log n), same ids.
// Texts over a million UTF-16 units are split by the pattern's BMP twin (bmp-twin.ts), on which V8's regex
// cannot run out of backtrack stack however long one piece is.

import { bytePairEncode } from './byte-pair-merge.js';
import type { MergeableRanks } from './mergeable-ranks.js';
import { PieceScanner } from './bmp-twin.js';
import { SharedPieceTable } from './shared-piece-table.js';

/** The part of tiktoken's `Tiktoken` the cache needs. */
export interface OrdinaryEncoder {
  encode_ordinary(text: string): Uint32Array;
}

export interface PieceCacheOptions {
  /** Cache entries kept before the cache is emptied and refilled (bounded memory, no LRU bookkeeping). */
  maxEntries?: number;
  /** Longer pieces (long digit-free runs, base64 blobs) are merged by `bytePairEncode` and not cached. */
  maxPieceLength?: number;
  /** Ids of multi-token pieces kept before the cache is emptied (at most 2^21, the default). */
  maxArenaIds?: number;
  /**
   * The table asked before tiktoken when the Map misses: the pool's shared one, or (by default) one of this
   * encoder's own, made on the first miss.
   */
  shared?: SharedPieceTable;
}

const OWN_TABLE = 'this encoder';
/** Map values of pieces with several ids: -1 - (start << COUNT_BITS | count), their place in the id arena. */
const COUNT_BITS = 9;
const MAX_COUNT = (1 << COUNT_BITS) - 1;
/** The arena grows to at most this many ids (8 MiB), then is emptied with the Map; start then fits in 21 bits. */
const MAX_ARENA = 1 << 21;

export class PieceCacheEncoder {
  private readonly scanner: PieceScanner;
  /**
   * piece → its id when it is one token, else where its ids sit in `arena`. Small integers, which V8 keeps
   * unboxed in the Map, rather than one typed array object per multi-token piece: a third of the memory, and
   * one dependent load instead of three on a hit (it matters most when several threads share the caches).
   */
  private readonly cache = new Map<string, number>();
  private arena: Uint32Array;
  private arenaUsed = 0;
  private readonly maxEntries: number;
  private readonly maxPieceLength: number;
  private readonly maxArenaIds: number;
  private shared: SharedPieceTable | undefined;
  private ranks: MergeableRanks | undefined;

  /**
   * `core` (tiktoken) merges the short pieces; `loadRanks` gives the same vocabulary's ranks for the long ones,
   * called on the first long piece.
   */
  constructor(
    private readonly core: OrdinaryEncoder,
    private readonly loadRanks: () => MergeableRanks,
    pattern: string,
    options: PieceCacheOptions = {},
  ) {
    this.scanner = new PieceScanner(pattern);
    this.maxEntries = options.maxEntries ?? 1 << 17;
    this.maxPieceLength = options.maxPieceLength ?? 128;
    // A UTF-16 code unit is at most 3 UTF-8 bytes, so at most 3 ids: the count field must hold them all.
    if (this.maxPieceLength * 3 > MAX_COUNT) throw new RangeError(`maxPieceLength ${this.maxPieceLength} is over ${Math.floor(MAX_COUNT / 3)}`);
    this.maxArenaIds = Math.max(MAX_COUNT, Math.min(options.maxArenaIds ?? MAX_ARENA, MAX_ARENA));
    this.arena = new Uint32Array(Math.min(1 << 16, this.maxArenaIds));
    this.shared = options.shared;
  }

  encode(text: string): Uint32Array {
    // A first guess of ~4 characters per token; grown by doubling when real text is denser.
    let out: Uint32Array = new Uint32Array(Math.max(16, (text.length >> 2) + 16));
    let n = 0;
    const { re, text: scanned, origin } = this.scanner.scan(text);
    re.lastIndex = 0;
    while (re.lastIndex < scanned.length) {
      let start = re.lastIndex;
      // test() rather than exec(): the sticky pattern's match starts at `start`, and test() builds no match
      // array (one allocation less per piece: 1.1–1.3× on the whole encode, and less for the GC to do).
      if (!re.test(scanned)) return this.fallback(text.slice(origin ? origin[start] : start), out, n);
      let end = re.lastIndex;
      if (origin !== undefined) {
        start = origin[start];
        end = origin[end];
      }
      if (end - start > this.maxPieceLength) {
        // long runs (base64, digit-free blobs) are rare and seldom repeat: not cached
        const ids = this.encodeLong(text.slice(start, end));
        if (n + ids.length > out.length) out = grow(out, n + ids.length);
        out.set(ids, n);
        n += ids.length;
        continue;
      }
      const value = this.lookup(text.slice(start, end));
      if (value >= 0) {
        if (n === out.length) out = grow(out, n + 1);
        out[n++] = value;
      } else {
        const place = -1 - value;
        const from = place >>> COUNT_BITS;
        const count = place & MAX_COUNT;
        if (n + count > out.length) out = grow(out, n + count);
        const arena = this.arena;
        for (let i = 0; i < count; i++) out[n + i] = arena[from + i];
        n += count;
      }
    }
    return out.slice(0, n);
  }

  count(text: string): number {
    let n = 0;
    const { re, text: scanned, origin } = this.scanner.scan(text);
    re.lastIndex = 0;
    while (re.lastIndex < scanned.length) {
      let start = re.lastIndex;
      if (!re.test(scanned)) return n + this.core.encode_ordinary(text.slice(origin ? origin[start] : start)).length;
      let end = re.lastIndex;
      if (origin !== undefined) {
        start = origin[start];
        end = origin[end];
      }
      if (end - start > this.maxPieceLength) {
        n += this.encodeLong(text.slice(start, end)).length;
        continue;
      }
      const value = this.lookup(text.slice(start, end));
      n += value >= 0 ? 1 : (-1 - value) & MAX_COUNT;
    }
    return n;
  }

  /** Entries currently cached (for tests and benchmarks). */
  get size(): number {
    return this.cache.size;
  }

  /** tiktoken's ids of one long piece, merged in JS (a lone surrogate is U+FFFD in UTF-8, as tiktoken has it). */
  private encodeLong(piece: string): Uint32Array {
    this.ranks ??= this.loadRanks();
    return bytePairEncode(Buffer.from(piece, 'utf8'), this.ranks);
  }

  /** The Map value of `piece`: its id, or where its ids sit in the arena (valid until the next lookup). */
  private lookup(piece: string): number {
    const hit = this.cache.get(piece);
    if (hit !== undefined) return hit;
    // The Map is emptied when full; this second level keeps what it held, so a clear costs table lookups
    // rather than merges (on the bench corpus, 171k distinct pieces: 13.7 s → 8.6–10.6 s of encoding).
    const table = (this.shared ??= new SharedPieceTable(SharedPieceTable.allocate(OWN_TABLE), OWN_TABLE));
    const at = table.find(piece);
    if (at !== 0) {
      const count = table.idCount(at);
      const from = this.makeRoom(count);
      if (count === 1) return this.remember(piece, table.firstId(at));
      table.copyIds(at, this.arena, from);
      return this.remember(piece, -1 - ((from << COUNT_BITS) | count));
    }
    const ids = this.core.encode_ordinary(piece);
    const from = this.makeRoom(ids.length);
    if (ids.length === 1) {
      table.set(piece, ids[0]);
      return this.remember(piece, ids[0]);
    }
    table.set(piece, ids);
    this.arena.set(ids, from);
    return this.remember(piece, -1 - ((from << COUNT_BITS) | ids.length));
  }

  /**
   * Room for one more entry, and where its ids go in the arena (a single id stays out of the arena: it
   * takes no room there). Called before anything is written, and the only place that empties the cache,
   * so an entry never points into space given away again.
   */
  private makeRoom(count: number): number {
    if (this.cache.size >= this.maxEntries) this.empty();
    if (count > 1 && this.arenaUsed + count > this.arena.length) {
      if (this.arena.length < this.maxArenaIds) {
        const bigger = new Uint32Array(Math.min(this.arena.length * 2, this.maxArenaIds));
        bigger.set(this.arena.subarray(0, this.arenaUsed));
        this.arena = bigger;
      } else {
        this.empty();
      }
    }
    const from = this.arenaUsed;
    if (count > 1) this.arenaUsed += count;
    return from;
  }

  private remember(piece: string, value: number): number {
    this.cache.set(piece, value);
    return value;
  }

  private empty(): void {
    this.cache.clear();
    this.arenaUsed = 0;
  }

  // The patterns match every character, so this only runs if a pattern is broken: stay correct by
  // handing the rest of the text to tiktoken, which splits it itself.
  private fallback(restText: string, out: Uint32Array, n: number): Uint32Array {
    const rest = this.core.encode_ordinary(restText);
    const all = new Uint32Array(n + rest.length);
    all.set(out.subarray(0, n));
    all.set(rest, n);
    return all;
  }
}

function grow(a: Uint32Array, need: number): Uint32Array {
  const b = new Uint32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}
