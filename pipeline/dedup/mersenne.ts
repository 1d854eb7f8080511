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
  i32geu: 0x4f, i64ltu: 0x54, i64geu: 0x5a,
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
  const I32 = 0x7f, I64 = 0x7e;
  const body = [...vec([[3, I32], [10, I64]]), ...code];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([[...str('minhash'), 0x00, 0], [...str('memory'), 0x02, 0]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ];
  return new Uint8Array(bytes);
}

interface KernelExports {
  minhash(xPtr: number, n: number, paramsPtr: number, nPerm: number, outPtr: number): void;
  memory: WebAssembly.Memory;
}

let compiled: WebAssembly.Module | undefined;

/**
 * One instance per MinHasher: owns a linear memory laid out as [params | out | shingle hashes].
 * Values cross as little-endian u64 written through a Uint32Array view (lo word first).
 */
export class MinHashKernel {
  private readonly exports: KernelExports;
  private readonly nPerm: number;
  private readonly outPtr: number;
  private readonly xPtr: number;
  private u32: Uint32Array;
  private capacity: number;

  /** `params` holds (a, b) pairs as 4 u32 words each: a.lo, a.hi, b.lo, b.hi — all < 2^61. */
  constructor(params: Uint32Array) {
    compiled ??= new WebAssembly.Module(buildModule());
    this.exports = new WebAssembly.Instance(compiled, {}).exports as unknown as KernelExports;
    this.nPerm = params.length / 4;
    this.outPtr = params.length * 4;
    this.xPtr = this.outPtr + this.nPerm * 8;
    this.capacity = 0;
    this.u32 = new Uint32Array(this.exports.memory.buffer);
    this.ensure(1024);
    this.u32.set(params, 0);
  }

  /** Make room for `n` shingle hashes; returns the u32 view (valid until the next call). */
  ensure(n: number): Uint32Array {
    if (n > this.capacity) {
      const needBytes = this.xPtr + n * 8;
      const have = this.exports.memory.buffer.byteLength;
      if (needBytes > have) this.exports.memory.grow(Math.ceil((needBytes - have) / 65536));
      this.u32 = new Uint32Array(this.exports.memory.buffer);
      this.capacity = Math.floor((this.exports.memory.buffer.byteLength - this.xPtr) / 8);
    }
    return this.u32;
  }

  /** u32 index where shingle hash i's lo word goes (hi word at +1). */
  get xIndex(): number {
    return this.xPtr / 4;
  }

  /** u32 index of permutation k's minimum (lo word; hi at +1) after `run`. */
  get outIndex(): number {
    return this.outPtr / 4;
  }

  /** Compute the minima over the first `n` shingle hashes written at `xIndex`. */
  run(n: number): Uint32Array {
    this.exports.minhash(this.xPtr, n, 0, this.nPerm, this.outPtr);
    return this.u32;
  }
}
