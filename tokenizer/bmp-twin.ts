// Pre-tokenizing very long texts without V8's regex running out of stack.
//
// With the `u` flag, a class such as `\p{L}` also holds astral code points (two UTF-16 units), so V8 cannot
// run `\p{L}+` as a fixed-width loop: it pushes a backtrack entry per character, and its 64 MB backtrack stack
// overflows (`RangeError: Maximum call stack size exceeded`) at ~4 M characters of one piece in any string
// holding a character above U+00FF — 4 MB of random letters in a document with one curly quote. A class made of
// BMP ranges without the `u` flag is fixed-width, and V8 loops over it without pushing anything (8 M
// characters and more).
//
// So a long text is split by its "BMP twin": the same pattern with every `\p{…}` spelled out as BMP ranges, run
// without `u` over the text with each astral code point replaced by one BMP stand-in that belongs to exactly the
// same classes of the pattern. Every class the patterns use is a union of Unicode properties, White_Space and
// ASCII literals, so class membership — and with it every match — is unchanged; the twin's piece boundaries are
// mapped back to the real text. Lone surrogates stay as they are, one unit in both modes.

import { compilePattern, toJsRegexSource } from './pattern.js';

const PROPERTY = /\\([pP])\{([^}]+)\}/g;

/**
 * Texts longer than this (UTF-16 units) are split by the twin. The pattern's own regex overflows at ~4 M units
 * of one piece, and a twin takes 0.1–0.25 s to build (per thread, on the first long text), so ordinary texts keep
 * the pattern's own regex.
 */
export const LONG_TEXT_UNITS = 1 << 20;

/** What to run a sticky regex over to split one text, and how its offsets map back to the text. */
export interface Scan {
  re: RegExp;
  text: string;
  /** Offset in the real text of each offset of `text` (and of its end); absent when they are the same. */
  origin?: Int32Array;
}

/** Splits texts of any length exactly as the pattern does: the pattern's regex, or for long texts its twin. */
export class PieceScanner {
  private readonly re: RegExp;
  private twin: BmpTwin | undefined;

  constructor(private readonly pattern: string) {
    this.re = compilePattern(pattern);
  }

  scan(text: string): Scan {
    if (text.length <= LONG_TEXT_UNITS) return { re: this.re, text };
    this.twin ??= new BmpTwin(this.pattern);
    const twin = this.twin.twin(text);
    return { re: this.twin.re, text: twin.text, ...(twin.origin !== undefined ? { origin: twin.origin } : {}) };
  }
}

export interface TwinText {
  /** The text with each astral code point as one BMP stand-in. */
  text: string;
  /** Offset in the real text of each twin offset (and of twin.length); undefined when the text had no astral code point. */
  origin?: Int32Array;
}

export class BmpTwin {
  readonly re: RegExp;
  private readonly properties: RegExp[];
  /** Class signature (bit i: in properties[i]) → the BMP character standing in for astral code points with it. */
  private readonly standIns = new Map<number, string>();
  private readonly signatureOf = new Map<number, number>();

  constructor(pattern: string) {
    const source = toJsRegexSource(pattern);
    const names = [...new Set([...source.matchAll(PROPERTY)].map((m) => m[2]))];
    this.properties = names.map((name) => new RegExp(`^\\p{${name}}$`, 'u'));
    this.re = new RegExp(spellOutProperties(source), 'y');
    const literals = new Set(source.replace(PROPERTY, '').replace(/\\./g, ''));
    // The first BMP character of each signature that the pattern names nowhere literally, above Latin-1 so that
    // it can be no ASCII literal, and no surrogate (which is a unit of its own here).
    for (let c = 0x100; c < 0x10000; c++) {
      if (c >= 0xd800 && c < 0xe000) continue;
      const char = String.fromCharCode(c);
      if (literals.has(char)) continue;
      const signature = this.signature(char);
      if (!this.standIns.has(signature)) this.standIns.set(signature, char);
    }
  }

  /** The twin of `text`: what `re` runs over. */
  twin(text: string): TwinText {
    if (!/[\ud800-\udbff][\udc00-\udfff]/.test(text)) return { text };
    const parts: string[] = [];
    const origin = new Int32Array(text.length + 1);
    let at = 0;
    let copied = 0; // text before this offset is in `parts`
    for (let i = 0; i < text.length; i++) {
      origin[at++] = i;
      const c = text.charCodeAt(i);
      if (c < 0xd800 || c >= 0xdc00 || i + 1 === text.length) continue;
      const d = text.charCodeAt(i + 1);
      if (d < 0xdc00 || d >= 0xe000) continue;
      parts.push(text.slice(copied, i), this.standIn(text.codePointAt(i)!));
      copied = i + 2;
      i++;
    }
    parts.push(text.slice(copied));
    origin[at] = text.length;
    return { text: parts.join(''), origin: origin.subarray(0, at + 1) };
  }

  private standIn(codePoint: number): string {
    let signature = this.signatureOf.get(codePoint);
    if (signature === undefined) {
      signature = this.signature(String.fromCodePoint(codePoint));
      this.signatureOf.set(codePoint, signature);
    }
    const char = this.standIns.get(signature);
    if (char === undefined) throw new Error(`no BMP character belongs to the same pattern classes as U+${codePoint.toString(16).toUpperCase()}`);
    return char;
  }

  private signature(char: string): number {
    let bits = 0;
    for (let i = 0; i < this.properties.length; i++) if (this.properties[i].test(char)) bits |= 1 << i;
    return bits;
  }
}

/**
 * The BMP units matching `set` (a u-mode class, `[…]` or `\p{…}`) as class ranges written with the characters
 * themselves: V8 stops optimizing any regex whose source is over 20 K characters (`kRegExpTooLargeToOptimize`),
 * loops included, and `\uXXXX` escapes would take o200k's twin past it.
 */
function bmpRanges(set: string): string {
  const member = new RegExp(`^${set}$`, 'u');
  let out = '';
  for (let c = 0; c < 0x10000; c++) {
    if (!member.test(String.fromCharCode(c))) continue;
    const from = c;
    while (c + 1 < 0x10000 && member.test(String.fromCharCode(c + 1))) c++;
    out += c === from ? classChar(from) : c === from + 1 ? classChar(from) + classChar(c) : `${classChar(from)}-${classChar(c)}`;
  }
  return out;
}

function classChar(c: number): string {
  if (c < 0x20 || c === 0x2028 || c === 0x2029 || (c >= 0xd800 && c < 0xe000)) return `\\u${c.toString(16).padStart(4, '0')}`;
  const char = String.fromCharCode(c);
  return '\\]^-'.includes(char) ? `\\${char}` : char;
}

/**
 * `source` with every class that names a property spelled out as BMP ranges: `[…]` → `[ranges]`, `[^…]` →
 * `[^ranges]` (so lone surrogates stay in it, as in u mode), a bare `\p{X}` → `[ranges]`, `\P{X}` → `[^ranges]`.
 * Classes of plain characters are kept as they are.
 */
function spellOutProperties(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\' && (source[i + 1] === 'p' || source[i + 1] === 'P')) {
      const end = source.indexOf('}', i);
      const ranges = bmpRanges(`\\p${source.slice(i + 2, end + 1)}`);
      out += source[i + 1] === 'p' ? `[${ranges}]` : `[^${ranges}]`;
      i = end;
    } else if (c === '\\') {
      out += c + source[i + 1];
      i++;
    } else if (c === '[') {
      const end = classEnd(source, i);
      const negated = source[i + 1] === '^';
      const inner = source.slice(negated ? i + 2 : i + 1, end);
      const named = inner.includes('\\p{') || inner.includes('\\P{');
      out += named ? `[${negated ? '^' : ''}${bmpRanges(`[${inner}]`)}]` : source.slice(i, end + 1);
      i = end;
    } else {
      out += c;
    }
  }
  return out;
}

/** Index of the `]` closing the class that opens at `open`. */
function classEnd(source: string, open: number): number {
  for (let i = open + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === ']') return i;
  }
  throw new Error(`pattern: unclosed class at ${open}: ${source}`);
}
