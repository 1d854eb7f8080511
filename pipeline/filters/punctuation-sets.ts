// datatrove's punctuation sets (datatrove/utils/text.py: PUNCTUATION, TERMINAL_PUNCTUATION and
// PUNCTUATION_SET, their union), which decide what its filters call a symbol token and a line that ends a
// sentence. Characters are written as escapes so the invisible and look-alike ones stay readable.

import { charClass, ALPHA, WORD } from './words.js';

/** datatrove's PUNCTUATION: these visible characters plus the controls U+0000–0008, 000B–001F, 007F–009F. */
const PUNCTUATION_VISIBLE =
  '!/\u2014\u201D:\uFF05\uFF11\u3008&(\u3001\u2501\u005C\u3010#%\u300C\u300D\uFF0C\u3011\uFF1B+^]~' +
  '\u201C\u300A\u201E\u0027;\u2019{|\u2236\u00B4[=-`*\uFF0E\uFF08\u2013\uFF1F\uFF01\uFF1A$\uFF5E\u00AB' +
  '\u3009,><\u300B)?\uFF09\u3002\u2026@_."}\u25BA\u00BB';

/**
 * datatrove's TERMINAL_PUNCTUATION: sentence-final marks of many scripts (FineWeb's line-ending rule).
 * Neither '"', "'" nor '…' is among them.
 */
export const TERMINAL_PUNCTUATION: readonly string[] = [
  ...('!.?\u0589\u061D\u061E\u061F\u06D4\u0700\u0701\u0702\u07F9\u0837\u0839\u083D\u083E\u0964\u0965\u104A' +
  '\u104B\u1362\u1367\u1368\u166E\u1735\u1736\u17D4\u17D5\u17D6\u17D9\u17DA\u1803\u1809\u1944\u1945' +
  '\u1AA8\u1AA9\u1AAA\u1AAB\u1B5A\u1B5B\u1B5E\u1B5F\u1B7D\u1B7E\u1C3B\u1C3C\u1C7E\u1C7F\u203C\u203D' +
  '\u2047\u2048\u2049\u2E2E\u2E3C\u2E53\u2E54\u3002\uA4FF\uA60E\uA60F\uA6F3\uA6F7\uA876\uA877\uA8CE' +
  '\uA8CF\uA92F\uA9C8\uA9C9\uAA5D\uAA5E\uAA5F\uAAF0\uAAF1\uABEB\uFE52\uFE56\uFE57\uFF01\uFF0E\uFF1F' +
  '\uFF61\u{10A56}\u{10A57}\u{10F55}\u{10F56}\u{10F57}\u{10F58}\u{10F59}\u{10F86}\u{10F87}\u{10F88}' +
  '\u{10F89}\u{11047}\u{11048}\u{110BE}\u{110BF}\u{110C0}\u{110C1}\u{11141}\u{11142}\u{11143}\u{111C5}' +
  '\u{111C6}\u{111CD}\u{111DE}\u{111DF}\u{11238}\u{11239}\u{1123B}\u{1123C}\u{112A9}\u{1144B}\u{1144C}' +
  '\u{115C2}\u{115C3}\u{115C9}\u{115CA}\u{115CB}\u{115CC}\u{115CD}\u{115CE}\u{115CF}\u{115D0}\u{115D1}' +
  '\u{115D2}\u{115D3}\u{115D4}\u{115D5}\u{115D6}\u{115D7}\u{11641}\u{11642}\u{1173C}\u{1173D}\u{1173E}' +
  '\u{11944}\u{11946}\u{11A42}\u{11A43}\u{11A9B}\u{11A9C}\u{11C41}\u{11C42}\u{11EF7}\u{11EF8}\u{11F43}' +
  '\u{11F44}\u{16A6E}\u{16A6F}\u{16AF5}\u{16B37}\u{16B38}\u{16B44}\u{16E98}\u{1BC9F}\u{1DA88}'),
];

/** PUNCTUATION_SET membership by code point: a token made only of these is a symbol, not a word. */
const PUNCT = new Set<number>();
for (const c of PUNCTUATION_VISIBLE) PUNCT.add(c.codePointAt(0)!);
for (const c of TERMINAL_PUNCTUATION) PUNCT.add(c.codePointAt(0)!);
for (let c = 0; c < 0xa0; c++) if (c <= 8 || (c >= 11 && c <= 31) || c >= 127) PUNCT.add(c);

const ASCII_PUNCT = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_PUNCT[c] = PUNCT.has(c) ? 1 : 0;

/** Is the code point in datatrove's PUNCTUATION_SET? */
export function isPunctuation(cp: number): boolean {
  return cp < 128 ? ASCII_PUNCT[cp] === 1 : PUNCT.has(cp);
}

// ASCII flags: WORD unless in PUNCTUATION_SET, ALPHA for letters.
const ASCII_FLAGS = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_FLAGS[c] = (isPunctuation(c) ? 0 : WORD) | (((c | 32) >= 97 && (c | 32) <= 122) ? ALPHA : 0);

/** WORD if text[a, b) holds a character outside PUNCTUATION_SET, ALPHA if it holds a letter. */
export function tokenFlags(text: string, a: number, b: number): number {
  let f = 0;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) f |= ASCII_FLAGS[c];
    else {
      const cp = text.codePointAt(i)!;
      if (!isPunctuation(cp)) f |= WORD;
      if (charClass(text, i) & ALPHA) f |= ALPHA;
      if (cp > 0xffff) i++;
    }
    if (f === (WORD | ALPHA)) break;
  }
  return f;
}
