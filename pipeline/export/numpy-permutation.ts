// `numpy.random.default_rng(seed).permutation(n)` in JS, bit for bit: the order datatrove's DocumentTokenizer
// (pipeline/tokens/tokenizer.py: `self.rand = default_rng(seed)`, then `self.rand.permutation(len(doc_ends))`)
// gives the documents of a tokenized file. Ported from numpy/random: `SeedSequence` (bit_generator.pyx:
// `mix_entropy`, `generate_state`), `PCG64` (pcg64.h / pcg64.c: `pcg64_set_seed`, `pcg64_random_r`,
// `pcg64_next32`), `random_interval` (distributions.c) and `Generator.shuffle`'s Fisher–Yates loop
// (_generator.pyx `_shuffle_int`). 128-bit arithmetic is done with BigInt.

const M32 = 0xffffffff;
const M64 = (1n << 64n) - 1n;
const M128 = (1n << 128n) - 1n;

// SeedSequence constants.
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const POOL_SIZE = 4;

/** PCG_DEFAULT_MULTIPLIER_128. */
const PCG_MULT = (2549297995355413924n << 64n) + 4865540595714422341n;

const mul32 = (a: number, b: number): number => Math.imul(a, b) >>> 0;

/** The seed as little-endian 32-bit words (`_int_to_uint32_array`); 0 is one zero word. */
function seedWords(seed: bigint): number[] {
  if (seed < 0n) throw new Error(`seed must be a non-negative integer, got ${seed}`);
  if (seed === 0n) return [0];
  const words: number[] = [];
  for (let s = seed; s > 0n; s >>= 32n) words.push(Number(s & 0xffffffffn));
  return words;
}

/** SeedSequence(seed).generate_state(4, uint64): the PCG64 seed (two words) and increment (two words). */
export function seedSequenceState(seed: bigint, nWords64 = 4): bigint[] {
  const entropy = seedWords(seed);
  let hashConst = INIT_A;
  const hashmix = (value: number): number => {
    value = (value ^ hashConst) >>> 0;
    hashConst = mul32(hashConst, MULT_A);
    value = mul32(value, hashConst);
    return (value ^ (value >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (mul32(MIX_MULT_L, x) - mul32(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool = new Array<number>(POOL_SIZE);
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0);
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
  }
  for (let src = POOL_SIZE; src < entropy.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src]));
  }
  let hashB = INIT_B;
  const words32: number[] = [];
  for (let i = 0; i < nWords64 * 2; i++) {
    let v = (pool[i % POOL_SIZE] ^ hashB) >>> 0;
    hashB = mul32(hashB, MULT_B);
    v = mul32(v, hashB);
    words32.push((v ^ (v >>> 16)) >>> 0);
  }
  const out: bigint[] = [];
  for (let i = 0; i < nWords64; i++) out.push(BigInt(words32[2 * i]) | (BigInt(words32[2 * i + 1]) << 32n));
  return out;
}

/** numpy's PCG64 (XSL-RR 128/64) with its buffered 32-bit draws. */
export class Pcg64 {
  private state = 0n;
  private readonly inc: bigint;
  private spare: number | undefined;

  constructor(seed: bigint) {
    const [s0, s1, i0, i1] = seedSequenceState(seed);
    const initState = (s0 << 64n) | s1;
    const initSeq = (i0 << 64n) | i1;
    this.inc = ((initSeq << 1n) | 1n) & M128;
    this.step();
    this.state = (this.state + initState) & M128;
    this.step();
  }

  private step(): void {
    this.state = (this.state * PCG_MULT + this.inc) & M128;
  }

  next64(): bigint {
    this.step();
    const s = this.state;
    const xored = ((s >> 64n) ^ s) & M64;
    const rot = s >> 122n;
    return ((xored >> rot) | (xored << ((64n - rot) & 63n))) & M64;
  }

  /** pcg64_next32: the low half of a 64-bit draw now, the high half next time. */
  next32(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    const n = this.next64();
    this.spare = Number(n >> 32n);
    return Number(n & 0xffffffffn);
  }

  /** random_interval(max): uniform in [0, max] by masking and rejection (max < 2^32 here). */
  interval(max: number): number {
    if (max === 0) return 0;
    if (max > M32) throw new Error(`interval: ${max} is over 2^32 - 1`);
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.next32() & mask) >>> 0;
    while (v > max);
    return v;
  }
}

/** `numpy.random.default_rng(seed).permutation(n)`. */
export function numpyPermutation(n: number, seed: number | bigint): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n > M32) throw new Error(`permutation: n must be an integer in [0, 2^32), got ${n}`);
  const rng = new Pcg64(BigInt(seed));
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i >= 1; i--) {
    const j = rng.interval(i);
    const t = out[j];
    out[j] = out[i];
    out[i] = t;
  }
  return out;
}
