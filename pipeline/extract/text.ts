// String helpers of trafilatura/utils.py that the extraction rules depend on (`trim`, `textfilter`,
// `text_chars_test`), with Python's Unicode semantics where they matter (`\W`, `str.split()`).

import type { El } from './dom.js';

// Python's str.split() whitespace: JS \s plus the separators \x1c-\x1f and NEL (\x85). Only runs that are
// not already one plain space are matched: text between tags is mostly words and single spaces, and a
// replace that matches nothing hands back the same string instead of building a new one.
const WS_TO_COLLAPSE = /(?:[^\S ]|[\x1c-\x1f\x85])[\s\x1c-\x1f\x85]*| [\s\x1c-\x1f\x85]+/g;

/** `trim`: collapse all whitespace runs to one space and strip the ends. */
export function trim(s: string | null | undefined): string {
  if (!s) return '';
  return s.replace(WS_TO_COLLAPSE, ' ').trim();
}

/** `text_chars_test`: the string holds something other than whitespace. */
export function hasText(s: string | null | undefined): boolean {
  return !!s && /[^\s\x1c-\x1f\x85]/.test(s);
}

// utils.py RE_FILTER: lines that are only a share/print/social button label.
const RE_FILTER =
  /^[^\p{L}\p{N}_]*(Drucken|E-?Mail|Facebook|Flipboard|Google|Instagram|Linkedin|Mail|PDF|Pinterest|Pocket|Print|QQ|Reddit|Twitter|WeChat|WeiBo|Whatsapp|Xing|Mehr zum Thema:?|More on this.{0,8}$)$/iu;

/** `textfilter`: no text, or a line that is only a social/print button label. */
export function textFilter(el: El): boolean {
  const t = el.text === null ? el.tail : el.text;
  if (!t || !hasText(t)) return true;
  return t.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).some((line) => RE_FILTER.test(line));
}
