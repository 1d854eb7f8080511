// Decode HTML bytes to text with the right charset: byte-order mark, then the HTTP header's charset,
// then the page's own <meta charset> / http-equiv declaration, then detection: valid UTF-8, else the
// statistical detector `chardet` (byte n-gram models per charset; it names GBK, Big5, Shift_JIS,
// EUC-KR, cp1251, KOI8-R, ISO-8859-2 and windows-1252 pages right, test/readers/charset.test.ts), else
// windows-1252. A declared charset that does not decode the bytes cleanly (a page declaring utf-8 that is
// not) gives way to the next candidate, an unknown label is passed over, and a declared Latin-1 family
// charset gives way to UTF-8 when the bytes are valid UTF-8 with non-ASCII in them: all are common
// misdeclarations on the real web.

import chardet from 'chardet';

export type CharsetSource = 'bom' | 'http' | 'meta' | 'detected' | 'fallback';

export interface Decoded {
  text: string;
  /** WHATWG name of the encoding used (e.g. 'gbk', 'windows-1251', 'utf-8'). */
  charset: string;
  source: CharsetSource;
  /** The bytes did not decode cleanly with any candidate; invalid sequences became U+FFFD. */
  lossy: boolean;
  /** UTF-8 with stray windows-1252 bytes (pages pasted together from both); each stray byte was read as windows-1252. */
  mixed?: boolean;
}

// How far into the page to look for a <meta> charset. The HTML spec's prescan uses 1024 bytes; real pages
// put long scripts and comments first, so we look further (it is one latin1 decode and one regex).
const META_SCAN_BYTES = 16 << 10;

const META_CHARSET = /<meta\b[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]+)/i;

/** The charset named by a <meta charset> or <meta http-equiv="Content-Type"> near the top of the page. */
export function metaCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, META_SCAN_BYTES)).toString('latin1');
  return META_CHARSET.exec(head)?.[1];
}

const decoders = new Map<string, TextDecoder | null>();
const utf8Lenient = new TextDecoder('utf-8');

/** A fatal decoder for a charset label, or null when Node's ICU does not know the label. */
function fatalDecoder(label: string): TextDecoder | null {
  const key = label.trim().toLowerCase();
  let d = decoders.get(key);
  if (d === undefined) {
    try {
      d = new TextDecoder(key, { fatal: true });
    } catch {
      d = null; // unknown label (RangeError): the caller falls through to the next candidate
    }
    decoders.set(key, d);
  }
  return d;
}

// Encodings where every byte sequence is valid, so a fatal decode can not reject a wrong guess.
const SINGLE_BYTE = /^(windows-125\d|iso-8859-\d+|koi8-[ru]|macintosh|ibm866|x-mac-cyrillic)$/;

function hasNonAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) return true;
  return false;
}

function tryDecode(d: TextDecoder, bytes: Uint8Array): string | null {
  try {
    return d.decode(bytes);
  } catch {
    return null; // invalid sequence for this charset: try the next candidate
  }
}

/** Decode the bytes of an HTML page. `httpCharset` is the charset parameter of the HTTP Content-Type. */
export function decodeHtml(bytes: Uint8Array, httpCharset?: string): Decoded {
  // A BOM wins over everything (HTML spec); TextDecoder strips it.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeWith('utf-8', bytes, 'bom');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeWith('utf-16le', bytes, 'bom');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeWith('utf-16be', bytes, 'bom');

  const candidates: [string, CharsetSource][] = [];
  if (httpCharset) candidates.push([httpCharset, 'http']);
  const meta = metaCharset(bytes);
  // A page can not really declare UTF-16 in an ASCII-compatible <meta>; the HTML spec reads it as UTF-8.
  if (meta) candidates.push([/^utf-?16/i.test(meta) ? 'utf-8' : meta, 'meta']);

  const utf8 = fatalDecoder('utf-8')!;
  let firstKnown: [TextDecoder, CharsetSource] | null = null;
  for (const [label, source] of candidates) {
    const d = fatalDecoder(label);
    if (!d) continue;
    firstKnown ??= [d, source];
    if (SINGLE_BYTE.test(d.encoding) && hasNonAscii(bytes)) {
      const asUtf8 = tryDecode(utf8, bytes);
      if (asUtf8 !== null) return { text: asUtf8, charset: 'utf-8', source: 'detected', lossy: false };
    }
    const text = tryDecode(d, bytes);
    if (text !== null) return { text, charset: d.encoding, source, lossy: false };
  }
  const asUtf8 = tryDecode(utf8, bytes);
  if (asUtf8 !== null) return { text: asUtf8, charset: 'utf-8', source: 'detected', lossy: false };
  const mixed = decodeMostlyUtf8(bytes);
  if (mixed) return mixed;
  const detected = detectCharset(bytes);
  if (detected) return detected;
  if (firstKnown) {
    // Declared, but the bytes are not valid in it: trust the declaration and replace the bad bytes.
    const [d, source] = firstKnown;
    return { text: new TextDecoder(d.encoding).decode(bytes), charset: d.encoding, source, lossy: true };
  }
  return decodeWith('windows-1252', bytes, 'fallback');
}

/** Length of the valid UTF-8 sequence starting at i (a byte >= 0x80), or 0. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  const n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n === 0 || i + n > b.length) return 0;
  for (let k = 1; k < n; k++) if ((b[i + k] & 0xc0) !== 0x80) return 0;
  if (n === 3 && ((c === 0xe0 && b[i + 1] < 0xa0) || (c === 0xed && b[i + 1] > 0x9f))) return 0; // overlong, surrogate
  if (n === 4 && ((c === 0xf0 && b[i + 1] < 0x90) || (c === 0xf4 && b[i + 1] > 0x8f))) return 0;
  return n;
}

const win1252 = new TextDecoder('windows-1252');

/**
 * Pages that are UTF-8 but for a few windows-1252 bytes (a template in one, an article pasted in the
 * other): decoding all as either garbles one part. When valid UTF-8 sequences outnumber stray bytes
 * three to one, the sequences are read as UTF-8 and each stray byte as windows-1252.
 */
function decodeMostlyUtf8(bytes: Uint8Array): Decoded | null {
  let valid = 0;
  let stray = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] < 0x80) continue;
    const n = utf8SequenceLength(bytes, i);
    if (n) {
      valid++;
      i += n - 1;
    } else stray++;
  }
  if (stray === 0 || valid < 3 * stray) return null;
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] < 0x80) continue;
    const n = utf8SequenceLength(bytes, i);
    if (n) {
      i += n - 1;
      continue;
    }
    parts.push(utf8Lenient.decode(bytes.subarray(start, i)), win1252.decode(bytes.subarray(i, i + 1)));
    start = i + 1;
  }
  parts.push(utf8Lenient.decode(bytes.subarray(start)));
  return { text: parts.join(''), charset: 'utf-8', source: 'detected', lossy: false, mixed: true };
}

// chardet reads the whole buffer; the first 64 KiB carry enough text and keep detection cheap.
const DETECT_BYTES = 64 << 10;
const MIN_CONFIDENCE = 10;
// A handful of stray high bytes is too little to tell charsets apart (any guess would do as badly).
const MIN_NON_ASCII = 6;

/** Statistical detection for bytes that are not UTF-8 and declare nothing usable. */
function detectCharset(bytes: Uint8Array): Decoded | null {
  const sample = bytes.length > DETECT_BYTES ? bytes.subarray(0, DETECT_BYTES) : bytes;
  let high = 0;
  for (let i = 0; i < sample.length && high < MIN_NON_ASCII; i++) if (sample[i] >= 0x80) high++;
  if (high < MIN_NON_ASCII) return null;
  for (const guess of chardet.analyse(sample)) {
    if (guess.confidence < MIN_CONFIDENCE) break;
    // WHATWG reads ISO-8859-1 as windows-1252 (browsers do); chardet names the former
    const label = guess.name === 'ISO-8859-1' ? 'windows-1252' : guess.name;
    if (/^(UTF-(16|32)|ISO-2022)/i.test(label)) continue; // not ASCII-compatible: never HTML without a BOM here
    const d = fatalDecoder(label);
    if (!d || d.encoding === 'utf-8') continue;
    const text = tryDecode(d, bytes);
    if (text !== null) return { text, charset: d.encoding, source: 'detected', lossy: false };
  }
  return null;
}

function decodeWith(label: string, bytes: Uint8Array, source: CharsetSource): Decoded {
  const d = new TextDecoder(label);
  return { text: d.decode(bytes), charset: d.encoding, source, lossy: false };
}

/** Plain UTF-8 text (WET conversion records): invalid bytes become U+FFFD rather than losing the record. */
export function decodeUtf8Text(bytes: Uint8Array): string {
  return utf8Lenient.decode(bytes);
}
