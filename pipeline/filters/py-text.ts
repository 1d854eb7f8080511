// Python string semantics the reference filters rely on: what str.isspace (and so strip, split) treats as
// whitespace, and len() counting code points, not UTF-16 units.

/** Python's str.isspace for one UTF-16 unit (no astral character is a space). */
export function isPySpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f) || c === 0x85 || c === 0xa0 || c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** Code points in text[a, b) (a surrogate pair is one, as Python's len counts). */
export function codePoints(text: string, a: number, b: number): number {
  let n = b - a;
  for (let i = a; i < b - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

const ASTRAL = /[\uD800-\uDBFF][\uDC00-\uDFFF]/;

/** Does the text hold a character outside the BMP (so that code points and UTF-16 lengths differ)? */
export function hasAstral(text: string): boolean {
  return ASTRAL.test(text);
}
