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

/** Split `text` into word and punctuation tokens. */
export function tokenize(text: string): Tokens {
  const len = text.length;
  let cap = Math.max(16, len >>> 2);
  let start = new Int32Array(cap);
  let end = new Int32Array(cap);
  let flags = new Uint8Array(cap);
  let n = 0;
  const push = (s: number, e: number, f: number): void => {
    if (n === cap) {
      cap *= 2;
      const s2 = new Int32Array(cap); s2.set(start); start = s2;
      const e2 = new Int32Array(cap); e2.set(end); end = e2;
      const f2 = new Uint8Array(cap); f2.set(flags); flags = f2;
    }
    start[n] = s; end[n] = e; flags[n] = f; n++;
  };

  let i = 0;
  while (i < len) {
    let c = charClass(text, i);
    let w = isPair(text, i) ? 2 : 1;
    if (c & SPACE) { i += w; continue; }
    const s = i;
    if (c & WORD) {
      let f = WORD | (c & ALPHA);
      let nospace = c & NOSPACE;
      i += w;
      while (i < len) {
        c = charClass(text, i);
        w = isPair(text, i) ? 2 : 1;
        if (c & WORD) { f |= c & ALPHA; nospace |= c & NOSPACE; i += w; continue; }
        // An apostrophe or hyphen between two word characters stays inside the word.
        if (c & JOINER && i + 1 < len && charClass(text, i + 1) & WORD) { i += 1; continue; }
        break;
      }
      if (nospace) segmentRun(text, s, i, push);
      else push(s, i, f);
    } else {
      // A run of symbols/punctuation is one token ("...", "--", "?!").
      i += w;
      while (i < len) {
        c = charClass(text, i);
        if (c & (WORD | SPACE)) break;
        i += isPair(text, i) ? 2 : 1;
      }
      push(s, i, 0);
    }
  }
  return { n, start, end, flags };
}

function isPair(text: string, i: number): boolean {
  const u = text.charCodeAt(i);
  if (u < 0xd800 || u > 0xdbff) return false;
  const lo = text.charCodeAt(i + 1);
  return lo >= 0xdc00 && lo <= 0xdfff;
}

/** Cut a run that contains space-less script into dictionary words with Intl.Segmenter. */
function segmentRun(text: string, s: number, e: number, push: (s: number, e: number, f: number) => void): void {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  for (const seg of segmenter.segment(text.slice(s, e))) {
    if (!seg.isWordLike) continue;
    let f = WORD;
    const a = s + seg.index;
    const b = a + seg.segment.length;
    for (let k = a; k < b; k++) if (charClass(text, k) & ALPHA) { f |= ALPHA; break; }
    push(a, b, f);
  }
}

/** Number of word tokens (punctuation-only tokens excluded): the language-aware word count. */
export function countWords(text: string): number {
  const t = tokenize(text);
  let words = 0;
  for (let k = 0; k < t.n; k++) if (t.flags[k] & WORD) words++;
  return words;
}
