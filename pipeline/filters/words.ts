// Language-aware tokenization shared by every heuristic filter: words and punctuation runs, the way
// datatrove's `split_into_words` (an nltk-style tokenizer) sees them. Scripts written without spaces
// (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) are cut into words by `Intl.Segmenter`.
//
// Hot loop: one pass over UTF-16 code units with a lazily filled 64 Ki class table, so a character's
// Unicode class is tested by regex at most once per process; tokens are returned as offsets in typed
// arrays, not strings, and callers slice only what they need.

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

/** Growable token buffers, reused by the next call's result only through `slice`, never shared. */
class TokenBuffer {
  n = 0;
  start: Int32Array;
  end: Int32Array;
  flags: Uint8Array;
  constructor(cap: number) {
    this.start = new Int32Array(cap);
    this.end = new Int32Array(cap);
    this.flags = new Uint8Array(cap);
  }
  push(s: number, e: number, f: number): void {
    if (this.n === this.start.length) this.grow();
    this.start[this.n] = s;
    this.end[this.n] = e;
    this.flags[this.n] = f;
    this.n++;
  }
  private grow(): void {
    const cap = this.start.length * 2;
    const s = new Int32Array(cap); s.set(this.start); this.start = s;
    const e = new Int32Array(cap); e.set(this.end); this.end = e;
    const f = new Uint8Array(cap); f.set(this.flags); this.flags = f;
  }
}

/** Split `text` into word and punctuation tokens. */
export function tokenize(text: string): Tokens {
  const len = text.length;
  // About one token per 5 characters in English; grow when wrong.
  const buf = new TokenBuffer(Math.max(16, (len / 4) | 0));
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
        c = u < 128 ? ASCII[u] : charClass(text, i);
        if (c & WORD) {
          f |= c & ALPHA;
          nospace |= c & NOSPACE;
          i += u >= 0xd800 && u <= 0xdbff && isPair(text, i) ? 2 : 1;
          continue;
        }
        // An apostrophe or hyphen between two word characters stays inside the word.
        if (c & JOINER && i + 1 < len) {
          const v = text.charCodeAt(i + 1);
          if ((v < 128 ? ASCII[v] : charClass(text, i + 1)) & WORD) { i++; continue; }
        }
        break;
      }
      if (nospace) segmentRun(text, s, i, buf);
      else buf.push(s, i, f);
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
  return { n: buf.n, start: buf.start, end: buf.end, flags: buf.flags };
}

function isPair(text: string, i: number): boolean {
  const lo = text.charCodeAt(i + 1);
  return lo >= 0xdc00 && lo <= 0xdfff;
}

/** Cut a run that contains space-less script into dictionary words with Intl.Segmenter. */
function segmentRun(text: string, s: number, e: number, buf: TokenBuffer): void {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  for (const seg of segmenter.segment(text.slice(s, e))) {
    if (!seg.isWordLike) continue;
    let f = WORD;
    const a = s + seg.index;
    const b = a + seg.segment.length;
    for (let k = a; k < b; k++) if (charClass(text, k) & ALPHA) { f |= ALPHA; break; }
    buf.push(a, b, f);
  }
}

/** Number of word tokens (punctuation-only tokens excluded): the language-aware word count. */
export function countWords(text: string): number {
  const t = tokenize(text);
  let words = 0;
  for (let k = 0; k < t.n; k++) if (t.flags[k] & WORD) words++;
  return words;
}
