// The chunk shapes of ordinary text that spaCy's English rules split in a way known in advance, decided
// without running them: words, numbers, a word with one punctuation mark before or after it, contractions,
// hyphenated words, runs of one punctuation mark. Each shape's comment says why no other rule applies.
// All of them are ASCII and exclude special cases (those go through the rules and the matcher); the
// differential test against spaCy on real text covers every shape (test/filters/english-words.test.ts and
// the datatrove agreement comparison).
//
// Tokens are pushed with their datatrove flags (WORD: a character outside PUNCTUATION_SET; ALPHA: a letter):
// letters are both, digits WORD, the ASCII marks here neither.

import { TokenBuffer, WORD, ALPHA } from '../words.js';
import { isPunctuation } from '../punctuation-sets.js';
import { isSpecialAt, rangeHash } from './specials.js';

// ASCII classes for the chunk scan and the shapes below.
export const SP = 1; // whitespace (Python's str.isspace)
export const LOWER = 2;
export const UPPER = 4;
export const DIGIT = 8;
export const AFFIX = 16; // always a prefix before a word character, always a suffix (LIST_PUNCT, LIST_QUOTES)
export const NON_ASCII = 32; // set by the scan for any character ≥ 128
export const OTHER = 64; // any other ASCII character, and the AFFIX ones
export const APOS = 128; // '
const LETTER = LOWER | UPPER;

export const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const space = c === 32 || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f);
  CLASS[c] = space ? SP : c >= 97 && c <= 122 ? LOWER : c >= 65 && c <= 90 ? UPPER : c >= 48 && c <= 57 ? DIGIT : OTHER;
}
for (const c of ',:;!?()[]{}<>_#*&\'"`') CLASS[c.charCodeAt(0)] |= AFFIX;
CLASS[39] |= APOS;

/** datatrove flags of a token made of one ASCII character. */
const ASCII_FLAGS = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_FLAGS[c] = (isPunctuation(c) ? 0 : WORD) | (CLASS[c] & LETTER ? ALPHA : 0);

const HYPHEN = 45;
const DOT = 46;

const flagsOf = (kind: number) => (kind & LETTER ? WORD | ALPHA : WORD);

/**
 * Push the tokens of chunk text[s, e) and return true when its shape is one of these; false sends it to
 * the rules. `kinds` is the OR of its characters' classes, `h` its hash (specials.ts).
 */
export function shortcut(text: string, s: number, e: number, kinds: number, h: number, buf: TokenBuffer): boolean {
  const n = e - s;
  if (kinds & NON_ASCII) return false;
  if (n === 1) {
    // One character is one token, whatever rule matches it.
    buf.push(s, e, ASCII_FLAGS[text.charCodeAt(s)]);
    return true;
  }
  if (kinds === (kinds & LETTER) || kinds === DIGIT) {
    // Letters alone, or digits alone: no prefix, suffix, infix or URL rule applies.
    if (isSpecialAt(text, s, e, h)) return false;
    buf.push(s, e, flagsOf(kinds));
    return true;
  }
  if (isSpecialAt(text, s, e, h)) return false;
  return affixed(text, s, e, buf) || inner(text, s, e, kinds, buf) || run(text, s, e, buf);
}

/** One mark of LIST_PUNCT / LIST_QUOTES before, or after (or a final '.'), a body of letters or of digits. */
function affixed(text: string, s: number, e: number, buf: TokenBuffer): boolean {
  const c0 = text.charCodeAt(s);
  const cl = text.charCodeAt(e - 1);
  let a = s;
  let b = e;
  if (CLASS[c0] & AFFIX) a++;
  else if (CLASS[cl] & AFFIX || cl === DOT) b--;
  else return false;
  const kind = CLASS[text.charCodeAt(a)] & (LETTER | DIGIT) ? (CLASS[text.charCodeAt(a)] & LETTER ? LETTER : DIGIT) : 0;
  if (kind === 0) return false;
  for (let i = a + 1; i < b; i++) if ((CLASS[text.charCodeAt(i)] & kind) === 0) return false;
  if (isSpecialAt(text, a, b, rangeHash(text, a, b))) return false;
  const f = flagsOf(kind);
  if (a !== s) {
    // The prefix, then the body, which has no affix of its own.
    buf.push(s, a, 0);
    buf.push(a, e, f);
  } else if (cl !== DOT || kind === DIGIT || CLASS[text.charCodeAt(e - 2)] & LOWER || (e - s >= 3 && CLASS[text.charCodeAt(e - 3)] & UPPER)) {
    // The leftmost suffix is that mark (no longer suffix rule fits a body of letters or digits); a final
    // '.' is a suffix after a digit or a lower-case letter, or after two upper-case letters.
    buf.push(s, b, f);
    buf.push(b, e, 0);
  } else buf.push(s, e, f); // otherwise nothing applies: 'A.', 'aB.' stay whole
  return true;
}

/**
 * Letters with one ' inside (contractions, possessives), letters joined by single hyphens, digits joined
 * by single . , : or /.
 */
function inner(text: string, s: number, e: number, kinds: number, buf: TokenBuffer): boolean {
  if ((CLASS[text.charCodeAt(s)] & (LETTER | DIGIT)) === 0 || (CLASS[text.charCodeAt(e - 1)] & (LETTER | DIGIT)) === 0) return false;
  if (kinds === (LETTER | OTHER | AFFIX | APOS) || kinds === (LOWER | OTHER | AFFIX | APOS) || kinds === (UPPER | OTHER | AFFIX | APOS)) {
    // Letters and exactly one ' (the classes alone do not tell ' from other marks).
    let apos = -1;
    for (let i = s + 1; i < e - 1; i++) {
      const c = text.charCodeAt(i);
      if (c === 39 && apos < 0) apos = i;
      else if ((CLASS[c] & LETTER) === 0) return false;
    }
    if (apos < 0) return false;
    // No prefix (a letter first), no infix (' is none), no URL (no '.'); the only suffix ending in a letter
    // without a digit before it is 's / 'S.
    const last = text.charCodeAt(e - 1);
    if (apos === e - 2 && (last === 115 || last === 83)) {
      if (isSpecialAt(text, s, apos, rangeHash(text, s, apos))) return false;
      buf.push(s, apos, WORD | ALPHA);
      buf.push(apos, e, WORD | ALPHA);
    } else buf.push(s, e, WORD | ALPHA);
    return true;
  }
  if ((kinds & ~(LETTER | OTHER)) === 0) {
    // Letters and hyphens: no prefix or suffix can start or end with a letter here, no URL (no '.'); the
    // hyphen infix splits at every '-' between two letters.
    for (let i = s + 1; i < e; i++) {
      const c = text.charCodeAt(i);
      if (c === HYPHEN ? text.charCodeAt(i - 1) === HYPHEN : (CLASS[c] & LETTER) === 0) return false;
    }
    let a = s;
    for (let i = s + 1; i < e; i++) {
      if (text.charCodeAt(i) !== HYPHEN) continue;
      buf.push(a, i, WORD | ALPHA);
      buf.push(i, i + 1, 0);
      a = i + 1;
    }
    buf.push(a, e, WORD | ALPHA);
    return true;
  }
  if ((kinds & ~(DIGIT | OTHER | AFFIX)) === 0) {
    // Digit groups joined by one . , : or /: no prefix or suffix ends in a digit, and the infix rules
    // need a letter (or + - * ^) next to these marks; a dotted quad is a URL, one token as well.
    for (let i = s + 1; i < e; i++) {
      const c = text.charCodeAt(i);
      const sep = c === 46 || c === 44 || c === 58 || c === 47;
      if (sep ? (CLASS[text.charCodeAt(i - 1)] & DIGIT) === 0 : (CLASS[c] & DIGIT) === 0) return false;
    }
    buf.push(s, e, WORD);
    return true;
  }
  return false;
}

/** A run of one mark: '-' (no rule splits hyphens but between letters) is one token; an AFFIX mark but quotes, one token per mark. */
function run(text: string, s: number, e: number, buf: TokenBuffer): boolean {
  const c = text.charCodeAt(s);
  for (let i = s + 1; i < e; i++) if (text.charCodeAt(i) !== c) return false;
  if (c === HYPHEN) buf.push(s, e, 0);
  else if (CLASS[c] & AFFIX && c !== 39 && c !== 34 && c !== 96) for (let i = s; i < e; i++) buf.push(i, i + 1, 0);
  else return false;
  return true;
}
