// spaCy's rule-based English tokenizer (what datatrove's `split_into_words` runs for English:
// `spacy.blank("en")`, datatrove/utils/word_tokenizers.py SpaCyTokenizer.word_tokenize), reproduced step by
// step from spaCy 3.8 `spacy/tokenizer.pyx`:
//   Tokenizer._tokenize_affixes  split on whitespace (Python's str.isspace); spaCy makes a whitespace run a
//                                token unless it is one ' ' after a word, which datatrove strips again: we
//                                leave them out (the sentencizer finds them in the gaps between tokens)
//   Tokenizer._split_affixes     peel prefixes and suffixes off each chunk until none is left or what is
//                                left is a special case
//   Tokenizer._attach_tokens     the rest is a special case, a URL, or is split at its infixes
//   Tokenizer._apply_special_cases  special cases spelled across affix tokens (`x:)` → `x`, `:)`) merged back
// Every regex runs on the substring Python would hand it, so lookarounds see exactly what they see there.
//
// The common shapes of chunk (words, numbers, a word and a mark, contractions, hyphenated words) skip the
// rules (shortcuts.ts); the others are cached per chunk, as spaCy does: web text repeats its words, so most
// cost one Map lookup. Tokens carry datatrove's flags (WORD: not only punctuation, ALPHA: holds a letter).

import { TokenBuffer } from '../words.js';
import { isUrl } from './exceptions.js';
import { PREFIX, SUFFIX, INFIX } from './punctuation.js';
import { SPECIALS, special, rangeHash, hashBitmap, hasBit, FNV_OFFSET, fnv } from './specials.js';
import { shortcut, CLASS, SP, NON_ASCII } from './shortcuts.js';
import { tokenFlags } from '../punctuation-sets.js';
import { isPySpace } from '../py-text.js';

function prefixLength(s: string): number {
  // No prefix rule starts with an ASCII digit, nor with an ASCII letter but those of US$, C$ and A$.
  const c = s.charCodeAt(0);
  if ((c >= 48 && c <= 57) || (((c | 32) >= 97 && (c | 32) <= 122) && c !== 85 && c !== 67 && c !== 65)) return 0;
  const m = PREFIX.exec(s);
  return m === null ? 0 : m[0].length;
}

// Suffix rules are short except the run of dots (`\.\.+$`), so the search starts this far from the end
// and goes back to the start only when the match begins right at that point.
const SUFFIX_WINDOW = 16;

function suffixLength(s: string): number {
  // No suffix rule ends with an ASCII digit; one ending with an ASCII letter is 's / 'S, or a unit right
  // after a digit (units are at most 4 characters: 'mbar', 'km/h').
  const c = s.charCodeAt(s.length - 1);
  if (c >= 48 && c <= 57) return 0;
  if ((c | 32) >= 97 && (c | 32) <= 122 && (c | 32) !== 115 && !hasDigit(s, s.length - 6)) return 0;
  const from = s.length > SUFFIX_WINDOW ? s.length - SUFFIX_WINDOW : 0;
  SUFFIX.lastIndex = from;
  let m = SUFFIX.exec(s);
  if (m !== null && m.index === from && from > 0) {
    SUFFIX.lastIndex = 0;
    m = SUFFIX.exec(s);
  }
  return m === null ? 0 : m[0].length;
}

/** An ASCII digit in s[from, end)? */
function hasDigit(s: string, from: number): boolean {
  for (let i = Math.max(0, from); i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/** Only ASCII letters and digits? No infix rule can match there. */
function plainAlnum(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122))) return false;
  }
  return true;
}

/** Pieces of a chunk as [start, end) pairs relative to the chunk, flattened. */
type Pieces = number[];

function pushParts(out: Pieces, at: number, parts: readonly string[]): number {
  for (const p of parts) {
    out.push(at, at + p.length);
    at += p.length;
  }
  return at;
}

/** _split_affixes + _attach_tokens for one chunk (a string without whitespace). */
function affixPieces(s: string, withSpecials: boolean): Pieces {
  const out: Pieces = [];
  if (withSpecials) {
    const sp = special(s);
    if (sp) {
      pushParts(out, 0, sp);
      return out;
    }
  }
  const prefixes: number[] = [];
  const suffixes: number[] = [];
  let a = 0;
  let b = s.length;
  let lastSize = 0;
  while (b > a && b - a !== lastSize) {
    const str = a === 0 && b === s.length ? s : s.slice(a, b);
    if (withSpecials && special(str)) break;
    lastSize = b - a;
    const pre = prefixLength(str);
    if (pre !== 0 && withSpecials && pre < str.length && special(str.slice(pre))) {
      prefixes.push(pre);
      a += pre;
      break;
    }
    const suf = suffixLength(pre === 0 ? str : str.slice(pre));
    if (suf !== 0 && withSpecials && suf < str.length && special(str.slice(0, str.length - suf))) {
      suffixes.push(suf);
      b -= suf;
      break;
    }
    if (pre !== 0 && suf !== 0 && pre + suf <= str.length) {
      prefixes.push(pre);
      suffixes.push(suf);
      a += pre;
      b -= suf;
    } else if (pre !== 0) {
      prefixes.push(pre);
      a += pre;
    } else if (suf !== 0) {
      suffixes.push(suf);
      b -= suf;
    }
  }
  let at = 0;
  for (const p of prefixes) {
    out.push(at, at + p);
    at += p;
  }
  if (b > a) {
    const str = a === 0 && b === s.length ? s : s.slice(a, b);
    const sp = withSpecials ? special(str) : undefined;
    if (sp) pushParts(out, a, sp);
    else if (plainAlnum(str)) out.push(a, b); // no URL (it needs a '.') and no infix
    else if (isUrl(str)) out.push(a, b);
    else infixPieces(str, a, out);
  }
  at = b;
  for (let k = suffixes.length - 1; k >= 0; k--) {
    out.push(at, at + suffixes[k]);
    at += suffixes[k];
  }
  return out;
}

/** Split `str` (at offset `a` of its chunk) at its infixes; an infix at position 0 does not split. */
function infixPieces(str: string, a: number, out: Pieces): void {
  INFIX.lastIndex = 0;
  let start = 0;
  for (let m = INFIX.exec(str); m !== null; m = INFIX.exec(str)) {
    const s = m.index;
    const e = s + m[0].length;
    if (e === s) INFIX.lastIndex++; // no rule matches the empty string; never loop on one
    if (s === 0) continue;
    if (s !== start) out.push(a + start, a + s);
    if (e !== s) out.push(a + s, a + e);
    start = e;
  }
  if (start < str.length) out.push(a + start, a + str.length);
}

// The special cases _apply_special_cases looks for: those that affix rules would cut (faster_heuristics:
// the ones with a prefix, suffix or infix), as the token sequence the affix rules make of them. Patterns
// of one token are left out: a one-token match never blocks a longer one and changes nothing.
interface Pattern { key: string; tokens: string[] }
let patternsByFirst: Map<string, Pattern[]> | undefined;

function patterns(): Map<string, Pattern[]> {
  if (patternsByFirst) return patternsByFirst;
  const map = new Map<string, Pattern[]>();
  for (const key of SPECIALS.keys()) {
    if (/\s/u.test(key)) continue; // the whitespace specials are whitespace tokens either way
    INFIX.lastIndex = 0;
    if (prefixLength(key) === 0 && suffixLength(key) === 0 && !INFIX.test(key)) continue;
    const p = affixPieces(key, false);
    if (p.length < 4) continue;
    const tokens: string[] = [];
    for (let k = 0; k < p.length; k += 2) tokens.push(key.slice(p[k], p[k + 1]));
    const list = map.get(tokens[0]) ?? [];
    list.push({ key, tokens });
    map.set(tokens[0], list);
  }
  INFIX.lastIndex = 0;
  return (patternsByFirst = map);
}

interface Match { start: number; end: number; key: string }

// The first tokens of the patterns, as a hash bitmap: a token is sliced and looked up only when its bit is set.
let FIRST_HASHES: Uint8Array | undefined;
/** The most tokens of a pattern. */
let LONGEST = 0;
function firstHashes(): Uint8Array {
  if (FIRST_HASHES) return FIRST_HASHES;
  for (const list of patterns().values()) for (const p of list) LONGEST = Math.max(LONGEST, p.tokens.length);
  return (FIRST_HASHES = hashBitmap(patterns().keys()));
}

/** Matches of the patterns among tokens [from, to) of `buf` over `text`; `barrier(k)`: none may span k | k + 1. */
function findMatches(text: string, buf: TokenBuffer, from: number, to: number, barrier: (k: number) => boolean): Match[] {
  const byFirst = patterns();
  const bits = firstHashes();
  const matches: Match[] = [];
  for (let i = from; i < to - 1; i++) {
    if (!hasBit(bits, rangeHash(text, buf.start[i], buf.end[i]))) continue;
    const list = byFirst.get(text.slice(buf.start[i], buf.end[i]));
    if (!list) continue;
    for (const p of list) {
      if (i + p.tokens.length > to) continue;
      let ok = true;
      for (let j = 1; j < p.tokens.length && ok; j++) {
        const k = i + j;
        ok = !barrier(k - 1) && buf.end[k] - buf.start[k] === p.tokens[j].length && text.startsWith(p.tokens[j], buf.start[k]);
      }
      if (ok) matches.push({ start: i, end: i + p.tokens.length, key: p.key });
    }
  }
  return matches;
}

/**
 * _apply_special_cases for the tokens [k0, k1) of one chunk of `text`, whose pieces alone hold a match:
 * spaCy finds every match of a pattern in the document (whitespace tokens break matches, a single ' '
 * does not), takes them longest first (ties: the leftmost), skips one whose first or last token an
 * earlier one covered, and lets every match, kept or not, cover its tokens; a kept match is replaced by the
 * special case's tokens only when it has no space inside (span.text must equal the rule). So a match inside
 * the chunk is kept unless a match taken before it covers its first or last token, and such a match
 * overlaps the chunk: matches within LONGEST - 1 tokens of it decide. Returns the replacements.
 */
function chunkSpecialCases(text: string, buf: TokenBuffer, first: number, k0: number, k1: number): Match[] {
  firstHashes(); // sets LONGEST
  // A whitespace token sits between k and k + 1 unless they touch or are one ' ' apart.
  const barrier = (k: number) => {
    const gap = buf.start[k + 1] - buf.end[k];
    return gap > 1 || (gap === 1 && text.charCodeAt(buf.end[k]) !== 32);
  };
  const all = findMatches(text, buf, Math.max(first, k0 - LONGEST + 1), Math.min(buf.n, k1 + LONGEST - 1), barrier);
  const before = (x: Match, y: Match) => x.end - x.start > y.end - y.start || (x.end - x.start === y.end - y.start && x.start < y.start);
  const covers = (p: Match, k: number) => p.start <= k && k < p.end;
  return all.filter((m) => m.start >= k0 && m.end <= k1 && !all.some((p) => p !== m && before(p, m) && (covers(p, m.start) || covers(p, m.end - 1))));
}

/** Replace each match in `merged` (none overlap) by its special case's tokens. */
function applyReplacements(text: string, buf: TokenBuffer, from: number, merged: Match[]): void {
  merged.sort((x, y) => x.start - y.start);
  // Special cases rarely have more tokens than their match (°C. does): then the tokens move left or stay,
  // and are rewritten in place; otherwise the tail is copied first.
  const grows = merged.some((m) => SPECIALS.get(m.key)!.length > m.end - m.start);
  const base = grows ? from : 0;
  const n = buf.n;
  const start = grows ? buf.start.slice(from, n) : buf.start;
  const end = grows ? buf.end.slice(from, n) : buf.end;
  const flags = grows ? buf.flags.slice(from, n) : buf.flags;
  let k = merged[0].start; // tokens before the first match stay where they are
  buf.n = k;
  for (const m of merged) {
    for (; k < m.start; k++) buf.push(start[k - base], end[k - base], flags[k - base]);
    let at = start[m.start - base];
    for (const part of SPECIALS.get(m.key)!) {
      buf.push(at, at + part.length, tokenFlags(text, at, at + part.length));
      at += part.length;
    }
    k = m.end;
  }
  for (; k < n; k++) buf.push(start[k - base], end[k - base], flags[k - base]);
}

interface Chunk {
  /** Tokens as (start, end, datatrove flags) triples, offsets relative to the chunk, flattened. */
  tokens: readonly number[];
  /** Some pattern matches among these pieces alone: the document needs the _apply_special_cases pass. */
  match: boolean;
}

// Two generations: when the young one is full it becomes the old one, and entries found in the old one
// move back to the young one, so frequent chunks stay cached and memory stays bounded.
const CACHE_GENERATION = 1 << 16;
const CACHE_MAX_KEY = 64;
let young = new Map<string, Chunk>();
let old = new Map<string, Chunk>();

function remember(s: string, chunk: Chunk): void {
  if (young.size >= CACHE_GENERATION) {
    old = young;
    young = new Map();
  }
  young.set(s, chunk);
}
const scratch = new TokenBuffer(64);

/** The tokens of chunk s, from the cache or the rules. */
function chunkOf(s: string): Chunk {
  let hit = young.get(s);
  if (hit) return hit;
  hit = old.get(s);
  if (hit) {
    remember(s, hit);
    return hit;
  }
  const pieces = affixPieces(s, true);
  let match = false;
  if (pieces.length >= 4) {
    scratch.reset();
    for (let k = 0; k < pieces.length; k += 2) scratch.push(pieces[k], pieces[k + 1], 0);
    firstHashes();
    match = findMatches(s, scratch, 0, scratch.n, () => false).length > 0;
  }
  const tokens: number[] = [];
  for (let k = 0; k < pieces.length; k += 2) tokens.push(pieces[k], pieces[k + 1], tokenFlags(s, pieces[k], pieces[k + 1]));
  const chunk = { tokens, match };
  if (s.length <= CACHE_MAX_KEY) remember(s, chunk);
  return chunk;
}

/**
 * Append the tokens of text[from, to) to `buf` (flags 0). Whitespace tokens are left out, as datatrove
 * strips them from word lists; the sentencizer finds them in the gaps between tokens.
 */
export function englishTokenize(text: string, from: number, to: number, buf: TokenBuffer): void {
  const first = buf.n;
  let matched: number[] | undefined; // token ranges of the chunks whose pieces hold a special-case match
  let i = from;
  while (i < to) {
    let c = text.charCodeAt(i);
    if (c < 128 ? CLASS[c] & SP : isPySpace(c)) {
      for (i++; i < to; i++) {
        c = text.charCodeAt(i);
        if (!(c < 128 ? CLASS[c] & SP : isPySpace(c))) break;
      }
      continue;
    }
    const s = i;
    let kinds = 0;
    let h = FNV_OFFSET;
    for (; i < to; i++) {
      c = text.charCodeAt(i);
      if (c < 128) {
        const k = CLASS[c];
        if (k & SP) break;
        kinds |= k;
      } else {
        if (isPySpace(c)) break;
        kinds |= NON_ASCII;
      }
      h = fnv(h, c);
    }
    if (shortcut(text, s, i, kinds, h, buf)) continue;
    const chunk = chunkOf(text.slice(s, i));
    const t = chunk.tokens;
    const k0 = buf.n;
    for (let k = 0; k < t.length; k += 3) buf.push(s + t[k], s + t[k + 1], t[k + 2]);
    if (chunk.match) (matched ??= []).push(k0, buf.n);
  }
  if (matched) {
    const merged: Match[] = [];
    for (let r = 0; r < matched.length; r += 2) merged.push(...chunkSpecialCases(text, buf, first, matched[r], matched[r + 1]));
    if (merged.length) applyReplacements(text, buf, first, merged);
  }
}
