// spaCy's rule-based sentencizer (spaCy 3.8 `spacy/pipeline/sentencizer.pyx`, Sentencizer.predict), which
// datatrove adds to its spaCy tokenizers and uses to split sentences (datatrove/utils/word_tokenizers.py
// SpaCyTokenizer.span_tokenize; C4QualityFilter counts the sentences of each kept line with it). A sentence
// starts at the first token, and at the first token after a sentence-final mark that is neither
// punctuation nor a mark itself. Whitespace tokens (spaCy makes one of any whitespace but a single ' ')
// count: they are not punctuation.

import { TokenBuffer } from '../words.js';
import { englishTokenize } from './tokenizer.js';

/** Sentencizer.default_punct_chars. */
const PUNCT_CHARS = new Set<string>([
  ...('!.?\u0589\u061F\u06D4\u0700\u0701\u0702\u07F9\u0964\u0965\u104A\u104B\u1362\u1367\u1368\u166E\u1735' +
  '\u1736\u1803\u1809\u1944\u1945\u1AA8\u1AA9\u1AAA\u1AAB\u1B5A\u1B5B\u1B5E\u1B5F\u1C3B\u1C3C\u1C7E' +
  '\u1C7F\u203C\u203D\u2047\u2048\u2049\u2E2E\u2E3C\u3002\uA4FF\uA60E\uA60F\uA6F3\uA6F7\uA876\uA877' +
  '\uA8CE\uA8CF\uA92F\uA9C8\uA9C9\uAA5D\uAA5E\uAA5F\uAAF0\uAAF1\uABEB\uFE52\uFE56\uFE57\uFF01\uFF0E' +
  '\uFF1F\uFF61\u{10A56}\u{10A57}\u{11047}\u{11048}\u{110BE}\u{110BF}\u{110C0}\u{110C1}\u{11141}' +
  '\u{11142}\u{11143}\u{111C5}\u{111C6}\u{111CD}\u{111DE}\u{111DF}\u{11238}\u{11239}\u{1123B}\u{1123C}' +
  '\u{112A9}\u{1144B}\u{1144C}\u{115C2}\u{115C3}\u{115C9}\u{115CA}\u{115CB}\u{115CC}\u{115CD}\u{115CE}' +
  '\u{115CF}\u{115D0}\u{115D1}\u{115D2}\u{115D3}\u{115D4}\u{115D5}\u{115D6}\u{115D7}\u{11641}\u{11642}' +
  '\u{1173C}\u{1173D}\u{1173E}\u{11A42}\u{11A43}\u{11A9B}\u{11A9C}\u{11C41}\u{11C42}\u{16A6E}\u{16A6F}' +
  '\u{16AF5}\u{16B37}\u{16B38}\u{16B44}\u{1BC9F}\u{1DA88}'),
]);

const RE_PUNCT = /^\p{P}+$/u;

/** spaCy's lexeme attribute is_punct: every character's Unicode category is P*. */
function isPunct(text: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    // ASCII fast path: the P* characters of ASCII.
    if (c < 128) {
      if (!ASCII_PUNCT[c]) return false;
    } else return RE_PUNCT.test(text.slice(a, b));
  }
  return true;
}
const ASCII_PUNCT = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_PUNCT[c] = RE_PUNCT.test(String.fromCharCode(c)) ? 1 : 0;

/** Is the token one sentence-final mark (every mark is one code point)? */
function isMark(text: string, a: number, b: number): boolean {
  if (b - a === 1) {
    const c = text.charCodeAt(a);
    if (c < 128) return c === 33 || c === 46 || c === 63; // ! . ?
  } else if (b - a !== 2) return false;
  return PUNCT_CHARS.has(text.slice(a, b));
}

/** Is there a whitespace token in the gap text[a, b) between two tokens (anything but one ' ')? */
function spaceToken(text: string, a: number, b: number): boolean {
  return b - a > 1 || (b - a === 1 && text.charCodeAt(a) !== 32);
}

/**
 * Sentences among tokens [k0, k1) of `text` (whitespace not among them: whitespace tokens are where two
 * tokens are not one ' ' apart, and after the last one up to `to`), as Sentencizer.predict starts them.
 * `breaks` receives the end offset of every sentence but the last (datatrove's split_into_parts cuts the
 * text there). Tokens but no token: no sentence.
 */
export function sentences(text: string, tokens: { start: Int32Array; end: Int32Array }, k0: number, k1: number, to: number, breaks?: number[]): number {
  if (k1 <= k0) return 0;
  const { start, end } = tokens;
  let count = 1;
  let seenMark = false;
  for (let k = k0; k < k1; k++) {
    if (seenMark && k > k0 && spaceToken(text, end[k - 1], start[k])) {
      count++;
      breaks?.push(end[k - 1]);
      seenMark = false;
    }
    const a = start[k];
    const b = end[k];
    const mark = isMark(text, a, b);
    if (seenMark && !mark && !isPunct(text, a, b)) {
      count++;
      breaks?.push(end[k - 1]);
      seenMark = false;
    } else if (mark) seenMark = true;
  }
  if (seenMark && spaceToken(text, end[k1 - 1], to)) {
    count++;
    breaks?.push(end[k1 - 1]);
  }
  return count;
}

const LINE = new TokenBuffer(256);

/**
 * The number of parts datatrove's split_into_sentences cuts text[from, to) into for English: spaCy's
 * English tokens through the sentencizer; a range without tokens is still one part.
 */
export function englishSentences(text: string, from = 0, to = text.length): number {
  LINE.reset();
  englishTokenize(text, from, to, LINE);
  return Math.max(1, sentences(text, LINE, 0, LINE.n, to));
}
