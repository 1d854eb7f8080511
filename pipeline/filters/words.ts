// Language-aware tokenization shared by every heuristic filter: words and punctuation runs, the way
// datatrove's `split_into_words` (an nltk-style tokenizer) sees them. Scripts written without spaces
// (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) are cut into words by `Intl.Segmenter`.
//
// Hot loop: one pass over UTF-16 code units with a lazily filled 64 Ki class table, so a character's
// Unicode class is tested by regex at most once per process; tokens are returned as offsets in typed
// arrays, not strings, and callers slice only what they need.
//
// Space-less runs are segmented in batches, not one by one: each `segment()` call costs as much as
// ~5 segments (measured: ~7 µs a call, ~1.4 µs a segment, on a loaded core), and runs between CJK
// punctuation average 7 characters. Runs are joined with '\n' — a hard word boundary (UAX #29 WB3a/b,
// and WB4 does not attach marks after it), so each run is cut exactly as when segmented alone — in
// batches of a few hundred characters, because the segment iterator slows down with the length of its
// string (each step costs more on a 30 000-character string than on a 300-character one).

/** Character classes (bit flags). */
export const WORD = 1; // letter, mark, digit or underscore: part of a word
export const ALPHA = 2; // letter (Python's str.isalpha)
export const SPACE = 4; // whitespace, or a control character that separates tokens
export const NOSPACE = 8; // script written without spaces between words
export const JOINER = 16; // apostrophe or hyphen: joins two word characters (don't, well-known)

const CLASS = new Uint8Array(65536);
const KNOWN = new Uint8Array(65536);
const RE_LETTER = /\p{L}/u;
const RE_WORD = /[\p{L}\p{M}\p{N}_]/u;
const RE_SPACE = /[\s\p{Cc}\p{Cf}]/u;
const RE_NOSPACE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

function classify(ch: string): number {
  let c = 0;
  if (RE_SPACE.test(ch)) return SPACE;
  if (RE_WORD.test(ch)) c |= WORD;
  if (RE_LETTER.test(ch)) c |= ALPHA;
  if (RE_NOSPACE.test(ch)) c |= NOSPACE;
  if (ch === "'" || ch === '’' || ch === '-') c |= JOINER;
  return c;
}

/** Class of the character at `i` (a code unit; astral pairs are classified as one character). */
export function charClass(text: string, i: number): number {
  const u = text.charCodeAt(i);
  if (u >= 0xd800 && u <= 0xdbff && i + 1 < text.length) {
    const lo = text.charCodeAt(i + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) return classify(text.slice(i, i + 2));
  }
  if (KNOWN[u] === 0) {
    // Lone surrogates classify as symbols: invalid UTF-16 must never throw, only count as non-words.
    CLASS[u] = u >= 0xd800 && u <= 0xdfff ? 0 : classify(String.fromCharCode(u));
    KNOWN[u] = 1;
  }
  return CLASS[u];
}

export interface Tokens {
  /** Number of tokens. */
  n: number;
  /** Code-unit offsets: token k is text.slice(start[k], end[k]). */
  start: Int32Array;
  end: Int32Array;
  /** Per token: WORD if it holds a word character (else it is a symbol/punctuation token), ALPHA if a letter. */
  flags: Uint8Array;
}

let segmenter: Intl.Segmenter | undefined;

// ASCII classes precomputed: most web text is mostly ASCII, and this keeps the hot loop free of calls.
const ASCII = new Uint8Array(128);
for (let u = 0; u < 128; u++) ASCII[u] = classify(String.fromCharCode(u));

/**
 * A growable token buffer, reused from document to document: `tokens()` copies the result into exact-size
 * arrays (one allocation), so no per-document growth or over-allocation reaches the caller.
 */
export class TokenBuffer {
  n = 0;
  start: Int32Array;
  end: Int32Array;
  flags: Uint8Array;
  constructor(cap = 1024) {
    this.start = new Int32Array(cap);
    this.end = new Int32Array(cap);
    this.flags = new Uint8Array(cap);
  }
  /** Empty the buffer (giving back a very large one). */
  reset(): void {
    this.n = 0;
    if (this.start.length > 1 << 22) {
      this.start = new Int32Array(1024);
      this.end = new Int32Array(1024);
      this.flags = new Uint8Array(1024);
    }
  }
  push(s: number, e: number, f: number): void {
    if (this.n === this.start.length) this.grow();
    this.start[this.n] = s;
    this.end[this.n] = e;
    this.flags[this.n] = f;
    this.n++;
  }
  /** A copy of the tokens: three views on one ArrayBuffer. */
  tokens(): Tokens {
    const n = this.n;
    const mem = new ArrayBuffer(n * 9);
    const start = new Int32Array(mem, 0, n);
    const end = new Int32Array(mem, n * 4, n);
    const flags = new Uint8Array(mem, n * 8, n);
    start.set(this.start.subarray(0, n));
    end.set(this.end.subarray(0, n));
    flags.set(this.flags.subarray(0, n));
    return { n, start, end, flags };
  }
  private grow(): void {
    const cap = this.start.length * 2;
    const s = new Int32Array(cap); s.set(this.start); this.start = s;
    const e = new Int32Array(cap); e.set(this.end); this.end = e;
    const f = new Uint8Array(cap); f.set(this.flags); this.flags = f;
  }
}

/** The buffers tokenize and segmentPending fill (one document at a time: tokenize is synchronous). */
const MAIN = new TokenBuffer();
const SEGMENTED = new TokenBuffer();

/** Token flags value marking a space-less run still to be segmented (never a real token's flags). */
const PENDING = 0x80;

/** Split `text` into word and punctuation tokens. */
export function tokenize(text: string): Tokens {
  const len = text.length;
  const buf = MAIN;
  buf.reset();
  let pending = 0;
  let i = 0;
  while (i < len) {
    let u = text.charCodeAt(i);
    let c = u < 128 ? ASCII[u] : charClass(text, i);
    if (c & SPACE) { i++; continue; }
    const s = i;
    i += u >= 0xd800 && u <= 0xdbff && isPair(text, i) ? 2 : 1;
    if (c & WORD) {
      let f = WORD | (c & ALPHA);
      let nospace = c & NOSPACE;
      while (i < len) {
        u = text.charCodeAt(i);
        if (u < 128) {
          // ASCII fast path: no surrogates, no space-less scripts.
          c = ASCII[u];
          if (c & WORD) { f |= c; i++; continue; }
        } else {
          c = charClass(text, i);
          if (c & WORD) {
            f |= c & ALPHA;
            nospace |= c & NOSPACE;
            i += u >= 0xd800 && u <= 0xdbff && isPair(text, i) ? 2 : 1;
            continue;
          }
        }
        // An apostrophe or hyphen between two word characters stays inside the word.
        if (c & JOINER && i + 1 < len) {
          const v = text.charCodeAt(i + 1);
          if ((v < 128 ? ASCII[v] : charClass(text, i + 1)) & WORD) { i++; continue; }
        }
        break;
      }
      // A space-less run stays one placeholder token until all runs are segmented together.
      if (nospace) { buf.push(s, i, PENDING); pending++; }
      else buf.push(s, i, f & (WORD | ALPHA));
    } else {
      // A run of symbols/punctuation is one token ("...", "--", "?!").
      while (i < len) {
        u = text.charCodeAt(i);
        c = u < 128 ? ASCII[u] : charClass(text, i);
        if (c & (WORD | SPACE)) break;
        i += u >= 0xd800 && u <= 0xdbff && isPair(text, i) ? 2 : 1;
      }
      buf.push(s, i, 0);
    }
  }
  if (pending > 0) return segmentPending(text, buf, pending);
  return buf.tokens();
}

function isPair(text: string, i: number): boolean {
  const lo = text.charCodeAt(i + 1);
  return lo >= 0xdc00 && lo <= 0xdfff;
}

/** Characters per `segment()` call: large enough to spread its fixed cost, small enough to stay fast. */
const BATCH_CHARS = 256;

/** Replace each PENDING placeholder of `buf` by the dictionary words Intl.Segmenter finds in its run. */
function segmentPending(text: string, buf: TokenBuffer, pending: number): Tokens {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  const out = SEGMENTED;
  out.reset();
  // Placeholders in text order; `batch` holds runs [first, k) of them, joined by '\n'.
  const runs = new Int32Array(pending);
  for (let k = 0, r = 0; k < buf.n; k++) if (buf.flags[k] === PENDING) runs[r++] = k;
  let copied = 0; // tokens of buf before this index are in `out`
  let first = 0;
  while (first < pending) {
    let k = first;
    let chars = 0;
    const parts: string[] = [];
    while (k < pending && (k === first || chars < BATCH_CHARS)) {
      const t = runs[k++];
      parts.push(text.slice(buf.start[t], buf.end[t]));
      chars += buf.end[t] - buf.start[t] + 1;
    }
    // Walk the batch's segments, moving to run r when a segment starts at or past its offset.
    let r = first;
    let runAt = 0; // offset of run r in the batch
    let runEnd = buf.end[runs[r]] - buf.start[runs[r]];
    copy(buf, out, copied, runs[r]);
    for (const seg of segmenter.segment(parts.join('\n'))) {
      while (seg.index > runEnd) {
        runAt = runEnd + 1;
        r++;
        runEnd = runAt + buf.end[runs[r]] - buf.start[runs[r]];
        copy(buf, out, runs[r - 1] + 1, runs[r]);
      }
      if (!seg.isWordLike) continue;
      const a = buf.start[runs[r]] + seg.index - runAt;
      const b = a + seg.segment.length;
      let f = WORD;
      for (let q = a; q < b; q++) if (charClass(text, q) & ALPHA) { f |= ALPHA; break; }
      out.push(a, b, f);
    }
    // Runs at the batch's end without word-like segments still need the tokens before them copied.
    for (r++; r < k; r++) copy(buf, out, runs[r - 1] + 1, runs[r]);
    copied = runs[k - 1] + 1;
    first = k;
  }
  copy(buf, out, copied, buf.n);
  return out.tokens();
}

/** Append tokens [from, to) of `src` to `dst`. */
function copy(src: TokenBuffer, dst: TokenBuffer, from: number, to: number): void {
  for (let k = from; k < to; k++) dst.push(src.start[k], src.end[k], src.flags[k]);
}

/** Number of word tokens (punctuation-only tokens excluded): the language-aware word count. */
export function countWords(text: string): number {
  const t = tokenize(text);
  let words = 0;
  for (let k = 0; k < t.n; k++) if (t.flags[k] & WORD) words++;
  return words;
}
