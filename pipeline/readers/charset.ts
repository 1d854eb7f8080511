// Decode HTML bytes to text with the right charset: byte-order mark, then the HTTP header's charset,
// then the page's own <meta charset> / http-equiv declaration, then detection (valid UTF-8, else
// windows-1252). A declared charset that does not decode the bytes cleanly gives way to the next
// candidate, and a declared Latin-1 family charset gives way to UTF-8 when the bytes are valid UTF-8
// with non-ASCII in them: both are common misdeclarations on the real web.

export type CharsetSource = 'bom' | 'http' | 'meta' | 'detected' | 'fallback';

export interface Decoded {
  text: string;
  /** WHATWG name of the encoding used (e.g. 'gbk', 'windows-1251', 'utf-8'). */
  charset: string;
  source: CharsetSource;
  /** The bytes did not decode cleanly with any candidate; invalid sequences became U+FFFD. */
  lossy: boolean;
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
  if (firstKnown) {
    // Declared, but the bytes are not valid in it: trust the declaration and replace the bad bytes.
    const [d, source] = firstKnown;
    return { text: new TextDecoder(d.encoding).decode(bytes), charset: d.encoding, source, lossy: true };
  }
  return decodeWith('windows-1252', bytes, 'fallback');
}

function decodeWith(label: string, bytes: Uint8Array, source: CharsetSource): Decoded {
  const d = new TextDecoder(label);
  return { text: d.decode(bytes), charset: d.encoding, source, lossy: false };
}

const utf8Lenient = new TextDecoder('utf-8');

/** Plain UTF-8 text (WET conversion records): invalid bytes become U+FFFD rather than losing the record. */
export function decodeUtf8Text(bytes: Uint8Array): string {
  return utf8Lenient.decode(bytes);
}
