// Per-word hashes of a document without building word strings: the common case of the signature hot
// path. Pure-ASCII text is normalized, split and hashed in one pass over its char codes; other text is
// normalized with the Unicode regexes first, then split and hashed in the same kind of pass. The
// result equals hashString32 over splitWords(normalizeText(text)) — a test checks that.

import { fmix32, hashString32, mix32 } from './hash32.js';
import { normalizeText, splitWords, type NormalizationOptions, type Segmentation } from './normalize.js';

const NON_ASCII = /[^\x00-\x7f]/;
const SPACELESS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;

const SEP = 0, WORD = 1, DIGIT = 2, UPPER = 3;

/** ASCII classes under the given normalization (punctuation, symbols, controls, spaces → separator). */
function asciiClasses(o: NormalizationOptions): Uint8Array {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    if (/\s/.test(ch)) t[c] = SEP;
    else if (c < 32 || c === 127) t[c] = o.punctuation ? SEP : WORD; // controls go with punctuation (\p{Cc})
    else if (c >= 48 && c <= 57) t[c] = o.numbers ? DIGIT : WORD;
    else if (c >= 65 && c <= 90) t[c] = o.lowercase ? UPPER : WORD;
    else if (c >= 97 && c <= 122) t[c] = WORD;
    else t[c] = o.punctuation ? SEP : WORD;
  }
  return t;
}

/** Separator = the space character only (text already normalized). */
const NORMALIZED = (() => {
  const t = new Uint8Array(128).fill(WORD);
  t[32] = SEP;
  return t;
})();

export class WordHasher {
  private readonly ascii: Uint8Array;
  /** Two independent 32-bit hashes per word; valid for the count `hash` returned. */
  h1 = new Int32Array(4096);
  h2 = new Int32Array(4096);

  constructor(private readonly o: NormalizationOptions, private readonly seg: Segmentation, private readonly seed1: number, private readonly seed2: number) {
    this.ascii = asciiClasses(o);
  }

  /** Hash the words of `text`; returns the number of words. */
  hash(text: string): number {
    if (!NON_ASCII.test(text)) return this.scan(text, this.ascii);
    const norm = normalizeText(text, this.o);
    if (this.seg === 'intl' || (this.seg === 'auto' && SPACELESS.test(norm))) {
      const words = splitWords(norm, this.seg);
      this.reserve(words.length);
      for (let i = 0; i < words.length; i++) {
        this.h1[i] = hashString32(words[i], this.seed1);
        this.h2[i] = hashString32(words[i], this.seed2);
      }
      return words.length;
    }
    return this.scan(norm, NORMALIZED);
  }

  private reserve(n: number): void {
    if (n > this.h1.length) {
      this.h1 = new Int32Array(n * 2);
      this.h2 = new Int32Array(n * 2);
    }
  }

  /**
   * One pass: classify each code unit, lowercase, fold digit runs to '0', and feed word characters
   * pairwise into two murmur3 states exactly as hashString32 would over the normalized word.
   */
  private scan(s: string, table: Uint8Array): number {
    // a document has at most ⌈len/2⌉ words
    this.reserve((s.length >> 1) + 1);
    const h1 = this.h1, h2 = this.h2;
    const s1 = this.seed1, s2 = this.seed2;
    let words = 0, a = s1, b = s2, len = 0, pending = -1, inDigits = false;
    const n = s.length;
    for (let i = 0; i <= n; i++) {
      let c = i < n ? s.charCodeAt(i) : 32;
      const cls = c < 128 ? table[c] : WORD;
      if (cls === SEP) {
        if (len > 0) {
          if (pending >= 0) {
            a = mix32(a, pending);
            b = mix32(b, pending);
          }
          h1[words] = fmix32(a ^ len);
          h2[words] = fmix32(b ^ len);
          words++;
          a = s1;
          b = s2;
          len = 0;
          pending = -1;
        }
        inDigits = false;
        continue;
      }
      if (cls === DIGIT) {
        if (inDigits) continue;
        inDigits = true;
        c = 48; // '0'
      } else {
        inDigits = false;
        if (cls === UPPER) c += 32;
      }
      if (pending < 0) pending = c;
      else {
        const k = pending | (c << 16);
        a = mix32(a, k);
        b = mix32(b, k);
        pending = -1;
      }
      len++;
    }
    return words;
  }
}
