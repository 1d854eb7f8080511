// The MinHash hot loop: for every permutation (a, b) and every shingle hash x, min over shingles of
// (a·x + b) mod (2^61 − 1). JS numbers cannot hold 61-bit products and BigInt is ~100× too slow, so
// the loop is a tiny WebAssembly function using native i64 arithmetic. The 122-bit product is split
// into 32-bit limbs and folded with 2^61 ≡ 1 (mod p); the result is exact and canonical (< p).
// `mulAddModMersenneBig` below is the BigInt reference the tests compare it against.
//
// Limb folding (a, x < 2^61, so their high halves are < 2^29):
//   a·x = ah·xh·2^64 + (al·xh + ah·xl)·2^32 + al·xl
//   2^64 ≡ 8,  mid·2^32 ≡ (mid >> 29) + (mid & (2^29−1))·2^32,  ll ≡ (ll >> 61) + (ll & p)
// Every folded term is < 2^61 and their sum (+ b) < 2^63, so no i64 wraps; one fold and one
// conditional subtraction give the canonical residue.

export const MERSENNE_61 = (1n << 61n) - 1n;

export function mulAddModMersenneBig(a: bigint, x: bigint, b: bigint): bigint {
  return (a * x + b) % MERSENNE_61;
}

// --- a minimal WebAssembly encoder: enough to write one function readably -----------------------
const OP = {
  block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b, select: 0x1b,
  get: 0x20, set: 0x21, tee: 0x22,
  i64load: 0x29, i64store: 0x37, i32const: 0x41, i64const: 0x42,
  i32ltu: 0x49, i32geu: 0x4f, i64ltu: 0x54, i64geu: 0x5a,
  i32add: 0x6a, i32mul: 0x6c, i32shl: 0x74,
  i64add: 0x7c, i64sub: 0x7d, i64mul: 0x7e, i64and: 0x83, i64shl: 0x86, i64shru: 0x88,
} as const;
const VOID = 0x40;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const str = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'ascii')];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

function buildModule(): Uint8Array<ArrayBuffer> {
  // params: 0 xPtr, 1 n, 2 paramsPtr, 3 nPerm, 4 outPtr  (all i32 byte offsets / counts)
  // locals: 5 k, 6 ptr, 7 end (i32); 8 al, 9 ah, 10 b, 11 min, 12 x, 13 xl, 14 xh, 15 ll, 16 mid, 17 s (i64)
  const [xPtr, n, paramsPtr, nPerm, outPtr, k, ptr, end, al, ah, b, min, x, xl, xh, ll, mid, s] =
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
  const g = (i: number) => [OP.get, i];
  const set = (i: number) => [OP.set, i];
  const c32 = (v: number) => [OP.i32const, ...sleb(BigInt(v))];
  const c64 = (v: bigint) => [OP.i64const, ...sleb(BigInt.asIntN(64, v))];
  const P = c64(MERSENNE_61);
  const LO32 = c64(0xffffffffn);
  const code = [
    ...c32(0), ...set(k),
    OP.block, VOID, OP.loop, VOID,
    ...g(k), ...g(nPerm), OP.i32geu, OP.brIf, 1,
    // a = params[2k], b = params[2k+1]
    ...g(paramsPtr), ...g(k), ...c32(4), OP.i32shl, OP.i32add, OP.tee, ptr,
    OP.i64load, 3, 0, OP.tee, x, ...LO32, OP.i64and, ...set(al),
    ...g(x), ...c64(32n), OP.i64shru, ...set(ah),
    ...g(ptr), OP.i64load, 3, 8, ...set(b),
    ...c64(-1n), ...set(min),
    ...g(xPtr), ...set(ptr),
    ...g(xPtr), ...g(n), ...c32(3), OP.i32shl, OP.i32add, ...set(end),
    OP.block, VOID, OP.loop, VOID,
    ...g(ptr), ...g(end), OP.i32geu, OP.brIf, 1,
    ...g(ptr), OP.i64load, 3, 0, OP.tee, x, ...LO32, OP.i64and, ...set(xl),
    ...g(x), ...c64(32n), OP.i64shru, ...set(xh),
    ...g(al), ...g(xl), OP.i64mul, ...set(ll),
    ...g(al), ...g(xh), OP.i64mul, ...g(ah), ...g(xl), OP.i64mul, OP.i64add, ...set(mid),
    // s = 8·ah·xh + (mid >> 29) + ((mid & (2^29−1)) << 32) + (ll & p) + (ll >> 61) + b
    ...g(ah), ...g(xh), OP.i64mul, ...c64(3n), OP.i64shl,
    ...g(mid), ...c64(29n), OP.i64shru, OP.i64add,
    ...g(mid), ...c64(0x1fffffffn), OP.i64and, ...c64(32n), OP.i64shl, OP.i64add,
    ...g(ll), ...P, OP.i64and, OP.i64add,
    ...g(ll), ...c64(61n), OP.i64shru, OP.i64add,
    ...g(b), OP.i64add,
    OP.tee, s, ...P, OP.i64and, ...g(s), ...c64(61n), OP.i64shru, OP.i64add, OP.tee, s,
    // s ≥ p ? s − p : s
    ...P, OP.i64sub, ...g(s), ...g(s), ...P, OP.i64geu, OP.select, OP.tee, s,
    // min = s < min ? s : min
    ...g(min), ...g(s), ...g(min), OP.i64ltu, OP.select, ...set(min),
    ...g(ptr), ...c32(8), OP.i32add, ...set(ptr),
    OP.br, 0, OP.end, OP.end,
    // out[k] = min
    ...g(outPtr), ...g(k), ...c32(3), OP.i32shl, OP.i32add, ...g(min), OP.i64store, 3, 0,
    ...g(k), ...c32(1), OP.i32add, ...set(k),
    OP.br, 0, OP.end, OP.end,
    OP.end,
  ];
  return minhashModule([[3, I32], [10, I64]], code);
}

const I32 = 0x7f, I64 = 0x7e, V128 = 0x7b;

/**
 * A module exporting `minhash(xPtr, n, paramsPtr, count, outPtr)` (five i32 parameters, no result) with
 * the given local declarations ([count, type] groups) and code, and its memory as `memory`.
 */
function minhashModule(locals: number[][], code: number[]): Uint8Array<ArrayBuffer> {
  const body = [...vec(locals), ...code];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([[...str('minhash'), 0x00, 0], [...str('memory'), 0x02, 0]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

// SIMD variant: two permutations per instruction. i64x2.extmul_{low,high}_i32x4_u are exactly the
// 32×32→64 limb products the fold needs (one pmuludq each on x86), with the operands pre-arranged:
//   A  = i32x4 [a0.lo, a1.lo, a0.hi, a1.hi]  (per permutation pair, with B = i64x2 [b0 + 1, b1 + 1])
//   X1 = i32x4 [x.lo, x.lo, 8·x.hi, 8·x.hi],  X2 = [x.hi, x.hi, x.lo, x.lo]  (per shingle)
//   low(A, X1) = a.lo·x.lo   high(A, X1) = 8·a.hi·x.hi   low(A, X2) + high(A, X2) = mid
// (8·x.hi < 2^32 because x < 2^61, so the 2^64 ≡ 8 factor costs no shift in the loop.)
// The canonical residue c needs a compare and a select after the fold; instead the loop computes
// c + 1 ∈ [1, p] with a second fold, which is exact: s = a·x + b + 1 ≥ 1, so the first fold gives
// u ∈ [1, p + 3] (never 0), and the second maps [1, p] to itself and [p + 1, p + 3] to [1, 3] — both
// ≡ c + 1. The minima are stored minus one. Values stay < 2^63, so signed i64x2 comparisons order them.
const SIMD = {
  load: 0x00, store: 0x0b, const: 0x0c, and: 0x4e, bitselect: 0x52,
  shl: 203, shru: 205, add: 206, sub: 209, lts: 216, ges: 219, extLowU: 222, extHighU: 223,
} as const;

function buildSimdModule(): Uint8Array<ArrayBuffer> {
  // Two permutation pairs (4 permutations) per inner iteration share the shingle loads and give the
  // CPU two independent dependency chains.
  // params: 0 xPtr, 1 n, 2 paramsPtr, 3 nQuads, 4 outPtr; locals: 5 k, 6 ptr, 7 end (i32);
  // v128: 8 X1, 9 X2, 10 P, 11 M29, then per lane j ∈ {0, 1}: A, B, min, ll, mid, s at 12 + 6j …
  const [xPtr, n, paramsPtr, nQuads, outPtr, k, ptr, end, X1, X2, P, M29] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const lane = (j: number) => ({ A: 12 + 6 * j, B: 13 + 6 * j, min: 14 + 6 * j, ll: 15 + 6 * j, mid: 16 + 6 * j, s: 17 + 6 * j });
  const g = (i: number) => [OP.get, i];
  const set = (i: number) => [OP.set, i];
  const c32 = (v: number) => [OP.i32const, ...sleb(BigInt(v))];
  const v = (op: number) => [0xfd, ...uleb(op)];
  const splat64 = (x: bigint) => {
    const b = Buffer.alloc(16);
    b.writeBigUInt64LE(x, 0);
    b.writeBigUInt64LE(x, 8);
    return [...v(SIMD.const), ...b];
  };
  const loadParams = (j: number) => {
    const { A, B, min } = lane(j);
    return [
      ...g(ptr), ...v(SIMD.load), 4, 32 * j, ...set(A),
      ...g(ptr), ...v(SIMD.load), 4, 32 * j + 16, ...set(B),
      ...g(P), ...set(min),
    ];
  };
  const step = (j: number) => {
    const { A, B, min, ll, mid, s } = lane(j);
    return [
      ...g(A), ...g(X1), ...v(SIMD.extLowU), ...set(ll),
      ...g(A), ...g(X2), ...v(SIMD.extLowU), ...g(A), ...g(X2), ...v(SIMD.extHighU), ...v(SIMD.add), ...set(mid),
      // s = 8·hh + (mid >> 29) + ((mid & (2^29−1)) << 32) + (ll & p) + (ll >> 61) + b + 1
      ...g(A), ...g(X1), ...v(SIMD.extHighU),
      ...g(mid), ...c32(29), ...v(SIMD.shru), ...v(SIMD.add),
      ...g(mid), ...g(M29), ...v(SIMD.and), ...c32(32), ...v(SIMD.shl), ...v(SIMD.add),
      ...g(ll), ...g(P), ...v(SIMD.and), ...v(SIMD.add),
      ...g(ll), ...c32(61), ...v(SIMD.shru), ...v(SIMD.add),
      ...g(B), ...v(SIMD.add),
      // two folds: c + 1 in [1, p]
      OP.tee, s, ...g(P), ...v(SIMD.and), ...g(s), ...c32(61), ...v(SIMD.shru), ...v(SIMD.add),
      OP.tee, s, ...g(P), ...v(SIMD.and), ...g(s), ...c32(61), ...v(SIMD.shru), ...v(SIMD.add), OP.tee, s,
      // min = s < min ? s : min
      ...g(min), ...g(s), ...g(min), ...v(SIMD.lts), ...v(SIMD.bitselect), ...set(min),
    ];
  };
  const store = (j: number) => [...g(ptr), ...g(lane(j).min), ...splat64(1n), ...v(SIMD.sub), ...v(SIMD.store), 4, 16 * j];
  const code = [
    ...splat64(MERSENNE_61), ...set(P),
    ...splat64(0x1fffffffn), ...set(M29),
    ...c32(0), ...set(k),
    OP.block, VOID, OP.loop, VOID,
    ...g(k), ...g(nQuads), OP.i32geu, OP.brIf, 1,
    ...g(paramsPtr), ...g(k), ...c32(6), OP.i32shl, OP.i32add, ...set(ptr),
    ...loadParams(0), ...loadParams(1),
    ...g(xPtr), ...set(ptr),
    ...g(xPtr), ...g(n), ...c32(5), OP.i32shl, OP.i32add, ...set(end),
    // do { … } while (ptr < end): `run` never passes n = 0, and one branch per shingle is enough
    OP.loop, VOID,
    ...g(ptr), ...v(SIMD.load), 4, 0, ...set(X1),
    ...g(ptr), ...v(SIMD.load), 4, 16, ...set(X2),
    ...step(0), ...step(1),
    ...g(ptr), ...c32(32), OP.i32add, OP.tee, ptr, ...g(end), OP.i32ltu, OP.brIf, 0,
    OP.end,
    ...g(outPtr), ...g(k), ...c32(5), OP.i32shl, OP.i32add, ...set(ptr),
    ...store(0), ...store(1),
    ...g(k), ...c32(1), OP.i32add, ...set(k),
    OP.br, 0, OP.end, OP.end,
    OP.end,
  ];
  return minhashModule([[3, I32], [16, V128]], code);
}

/** A u64 given as (lo, hi) u32 words, plus one. */
function plusOne(lo: number, hi: number): [number, number] {
  return lo === 0xffffffff ? [0, hi + 1] : [lo + 1, hi];
}

interface KernelExports {
  minhash(xPtr: number, n: number, paramsPtr: number, nPerm: number, outPtr: number): void;
  memory: WebAssembly.Memory;
}

let compiledScalar: WebAssembly.Module | undefined;
let compiledSimd: WebAssembly.Module | null | undefined;

/** The SIMD module, or null where the engine lacks WebAssembly SIMD. */
function simdModule(): WebAssembly.Module | null {
  if (compiledSimd === undefined) {
    const bytes = buildSimdModule();
    compiledSimd = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiledSimd;
}

/**
 * One instance per MinHasher: owns a linear memory laid out as [params | out | shingle hashes].
 * Values cross as little-endian u64 written through a Uint32Array view (lo word first). Shingle
 * hashes go in with `setX`; the scalar kernel stores 2 words per shingle, the SIMD one 8.
 */
export class MinHashKernel {
  readonly simd: boolean;
  /** u32 words per shingle hash in memory. */
  readonly xWords: number;
  private readonly exports: KernelExports;
  private readonly nPerm: number;
  private readonly outPtr: number;
  private readonly xPtr: number;
  private u32: Uint32Array;
  private capacity: number;

  /** `params` holds (a, b) pairs as 4 u32 words each: a.lo, a.hi, b.lo, b.hi — all < 2^61. */
  constructor(params: Uint32Array, opts: { simd?: boolean } = {}) {
    const simd = (opts.simd ?? true) ? simdModule() : null;
    this.simd = simd !== null;
    this.xWords = this.simd ? 8 : 2;
    const module = simd ?? (compiledScalar ??= new WebAssembly.Module(buildModule()));
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
    this.nPerm = params.length / 4;
    const slots = this.simd ? Math.ceil(this.nPerm / 4) * 4 : this.nPerm; // SIMD works on 4 at a time
    const paramWords = slots * 4;
    this.outPtr = paramWords * 4;
    this.xPtr = this.outPtr + slots * 8;
    this.capacity = 0;
    this.u32 = new Uint32Array(this.exports.memory.buffer);
    this.ensure(1024);
    if (!this.simd) this.u32.set(params, 0);
    else {
      for (let j = 0; j < slots / 2; j++) {
        const p0 = 4 * Math.min(2 * j, this.nPerm - 1), p1 = 4 * Math.min(2 * j + 1, this.nPerm - 1);
        // A = [a0.lo, a1.lo, a0.hi, a1.hi], B = [b0 + 1, b1 + 1] as (lo, hi) words
        const [b0lo, b0hi] = plusOne(params[p0 + 2], params[p0 + 3]);
        const [b1lo, b1hi] = plusOne(params[p1 + 2], params[p1 + 3]);
        this.u32.set([params[p0], params[p1], params[p0 + 1], params[p1 + 1], b0lo, b0hi, b1lo, b1hi], 8 * j);
      }
    }
  }

  /** Make room for `n` shingle hashes; returns the u32 view (valid until the next call). */
  ensure(n: number): Uint32Array {
    if (n > this.capacity) {
      const needBytes = this.xPtr + n * this.xWords * 4;
      const have = this.exports.memory.buffer.byteLength;
      if (needBytes > have) this.exports.memory.grow(Math.ceil((needBytes - have) / 65536));
      this.u32 = new Uint32Array(this.exports.memory.buffer);
      this.capacity = Math.floor((this.exports.memory.buffer.byteLength - this.xPtr) / (this.xWords * 4));
    }
    return this.u32;
  }

  /** Store shingle hash i (call `ensure` first). */
  setX(mem: Uint32Array, i: number, lo: number, hi: number): void {
    const at = this.xPtr / 4 + i * this.xWords;
    if (this.xWords === 2) {
      mem[at] = lo;
      mem[at + 1] = hi;
    } else {
      mem[at] = mem[at + 1] = mem[at + 6] = mem[at + 7] = lo;
      mem[at + 2] = mem[at + 3] = hi * 8; // 8·hi < 2^32 (see the SIMD kernel)
      mem[at + 4] = mem[at + 5] = hi;
    }
  }

  /** Read shingle hash i back as [lo, hi]. */
  getX(mem: Uint32Array, i: number): [number, number] {
    const at = this.xPtr / 4 + i * this.xWords;
    return this.xWords === 2 ? [mem[at], mem[at + 1]] : [mem[at], mem[at + 4]];
  }

  /** u32 index of permutation k's minimum (lo word; hi at +1) after `run`: outIndex + 2k. */
  get outIndex(): number {
    return this.outPtr / 4;
  }

  /** Compute the minima over the first `n` shingle hashes. */
  run(n: number): Uint32Array {
    if (n < 1) throw new RangeError(`MinHashKernel.run needs at least one shingle hash, got ${n}`);
    const count = this.simd ? Math.ceil(this.nPerm / 4) : this.nPerm;
    this.exports.minhash(this.xPtr, n, 0, count, this.outPtr);
    return this.u32;
  }
}
