// A piece → ids table in shared memory, so the threads of one pool share what their BPE calls found.
//
// Why: each thread's piece cache (piece-cache.ts) starts cold, and filling it is most of a short task's
// tokenize time: on the sample corpus the first 9 MB take ~1.5 s cold against ~0.6 s warm, nearly all of it
// tiktoken merging ~90k distinct pieces. With n threads every one of them paid that again for the same
// pieces. Behind each thread's own Map this table answers a piece any thread has already merged.
//
// Layout, in one SharedArrayBuffer of 32-bit words: a header, an open-addressing slot array (0 = empty, else
// the arena offset of an entry) and an append-only arena. An entry is [hash, charCount | idCount << 16,
// ids…, chars packed two per word]. A thread writes its whole entry first, then publishes its offset with one
// compare-and-swap; a reader that loads that offset atomically therefore sees the finished entry (a
// synchronizes-with edge in the JS memory model). Nothing is ever removed or moved, so readers need no locks.
// When the arena or the entry budget runs out the table stops growing: lookups keep working, new pieces stay
// in the threads' own caches. The ids are exact either way; the table only saves merge work.

const MAGIC = 0x6269_6770; // "bigp"
const H_MAGIC = 0;
const H_SLOTS = 1;
const H_ARENA_WORDS = 2;
const H_NEXT = 3; // next free arena word
const H_ENTRIES = 4;
const H_MAX_ENTRIES = 5;
const H_KEY = 6; // hash of the encoding the table belongs to
const HEADER_WORDS = 8;
const ENTRY_FIXED_WORDS = 2;

export interface SharedPieceTableSize {
  /** Entries before the table stops growing (slots are twice this, so probes stay short). */
  maxEntries?: number;
  /** Arena size in 32-bit words (entries, ids and characters). */
  arenaWords?: number;
}

export class SharedPieceTable {
  private readonly header: Int32Array;
  private readonly slots: Int32Array;
  private readonly words: Int32Array;
  private readonly chars: Uint16Array;
  private readonly mask: number;
  private readonly arenaBase: number;

  /**
   * New table memory for the encoding named `key` (its name or vocabulary path): 2^18 entries and 16 MiB of
   * arena by default, ~19 MiB in all, enough for the distinct pieces of a few hundred MB of web text.
   */
  static allocate(key: string, size: SharedPieceTableSize = {}): SharedArrayBuffer {
    const maxEntries = size.maxEntries ?? 1 << 18;
    const slots = 2 ** Math.ceil(Math.log2(Math.max(2, maxEntries * 2)));
    const arenaWords = size.arenaWords ?? 1 << 22;
    const buffer = new SharedArrayBuffer((HEADER_WORDS + slots + arenaWords) * 4);
    const header = new Int32Array(buffer, 0, HEADER_WORDS);
    header[H_MAGIC] = MAGIC;
    header[H_SLOTS] = slots;
    header[H_ARENA_WORDS] = arenaWords;
    header[H_NEXT] = 1; // offset 0 means "empty slot"
    header[H_MAX_ENTRIES] = maxEntries;
    header[H_KEY] = hashString(key);
    return buffer;
  }

  /** Attaches to table memory made by `allocate` for the same encoding; throws for any other. */
  constructor(buffer: SharedArrayBuffer, key: string) {
    this.header = new Int32Array(buffer, 0, HEADER_WORDS);
    if (this.header[H_MAGIC] !== MAGIC) throw new Error('not a shared piece table (SharedPieceTable.allocate makes one)');
    if (this.header[H_KEY] !== hashString(key)) throw new Error(`this shared piece table was made for another encoding than '${key}'`);
    const slots = this.header[H_SLOTS];
    this.slots = new Int32Array(buffer, HEADER_WORDS * 4, slots);
    this.arenaBase = (HEADER_WORDS + slots) * 4;
    this.words = new Int32Array(buffer, this.arenaBase, this.header[H_ARENA_WORDS]);
    this.chars = new Uint16Array(buffer, this.arenaBase, this.header[H_ARENA_WORDS] * 2);
    this.mask = slots - 1;
  }

  /** Entries published so far, by every thread. */
  get size(): number {
    return Atomics.load(this.header, H_ENTRIES);
  }

  /** The ids of `piece` (one id as a number), or undefined when no thread has stored it. */
  get(piece: string): number | Uint32Array | undefined {
    const at = this.find(piece);
    return at === 0 ? undefined : this.idsAt(at);
  }

  /** Where the entry of `piece` is (for `idCount`, `firstId`, `copyIds`), or 0 when no thread has stored it. */
  find(piece: string): number {
    const hash = hashString(piece);
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = Atomics.load(this.slots, slot);
      if (at === 0 || (this.words[at] === hash && this.matches(at, piece))) return at;
    }
  }

  idCount(at: number): number {
    return this.words[at + 1] >>> 16;
  }

  firstId(at: number): number {
    return this.words[at + 2] >>> 0;
  }

  /** Copies the ids of the entry at `at` into `dest` from `offset` on, without allocating. */
  copyIds(at: number, dest: Uint32Array, offset: number): void {
    const count = this.words[at + 1] >>> 16;
    for (let i = 0; i < count; i++) dest[offset + i] = this.words[at + 2 + i];
  }

  /** Stores the ids of `piece` unless the table is full or already has it. Pieces over 65,535 chars are refused. */
  set(piece: string, ids: number | Uint32Array): void {
    const idCount = typeof ids === 'number' ? 1 : ids.length;
    if (piece.length > 0xffff || idCount > 0x7fff) return;
    if (Atomics.load(this.header, H_ENTRIES) >= this.header[H_MAX_ENTRIES]) return;
    const need = ENTRY_FIXED_WORDS + idCount + ((piece.length + 1) >> 1);
    // Checked first so that a full arena's pointer stops moving (it would otherwise creep towards overflow).
    if (Atomics.load(this.header, H_NEXT) + need > this.words.length) return;
    const at = Atomics.add(this.header, H_NEXT, need);
    if (at + need > this.words.length) return; // arena spent: this and later pieces stay thread-local
    const hash = hashString(piece);
    this.words[at] = hash;
    this.words[at + 1] = piece.length | (idCount << 16);
    if (typeof ids === 'number') this.words[at + 2] = ids;
    else for (let i = 0; i < idCount; i++) this.words[at + 2 + i] = ids[i];
    const c0 = (at + ENTRY_FIXED_WORDS + idCount) * 2;
    for (let i = 0; i < piece.length; i++) this.chars[c0 + i] = piece.charCodeAt(i);

    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const seen = Atomics.compareExchange(this.slots, slot, 0, at);
      if (seen === 0) {
        Atomics.add(this.header, H_ENTRIES, 1);
        return;
      }
      // Another thread stored the same piece first: its entry stands, this one is left unused.
      if (this.words[seen] === hash && this.matches(seen, piece)) return;
    }
  }

  private matches(at: number, piece: string): boolean {
    const meta = this.words[at + 1];
    if ((meta & 0xffff) !== piece.length) return false;
    const c0 = (at + ENTRY_FIXED_WORDS + (meta >>> 16)) * 2;
    for (let i = 0; i < piece.length; i++) if (this.chars[c0 + i] !== piece.charCodeAt(i)) return false;
    return true;
  }

  private idsAt(at: number): number | Uint32Array {
    const idCount = this.words[at + 1] >>> 16;
    if (idCount === 1) return this.words[at + 2] >>> 0;
    const ids = new Uint32Array(idCount);
    for (let i = 0; i < idCount; i++) ids[i] = this.words[at + 2 + i];
    return ids;
  }
}

/** FNV-1a over UTF-16 code units with a final avalanche (murmur3's fmix32), so neighbouring slots stay apart. */
function hashString(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
