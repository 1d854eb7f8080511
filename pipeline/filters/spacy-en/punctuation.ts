// The prefix, suffix and infix rules of spaCy's English tokenizer (spaCy 3.8 `spacy/lang/punctuation.py`
// TOKENIZER_PREFIXES / TOKENIZER_SUFFIXES, `spacy/lang/en/punctuation.py` TOKENIZER_INFIXES), compiled the
// way `spacy.util.compile_prefix_regex` / `compile_suffix_regex` / `compile_infix_regex` do: each rule
// anchored (`^rule`, `rule$`) and all of them joined into one alternation, so the first rule that matches at
// the leftmost position wins, as in Python's `re`.

import {
  ALPHA, ALPHA_LOWER, ALPHA_UPPER, CONCAT_QUOTES, CURRENCY, HYPHENS, ICONS, LIST_CURRENCY, LIST_ELLIPSES,
  LIST_PUNCT, LIST_QUOTES, PUNCT_IN_CLASS, UNITS,
} from './char-classes.js';

const LIST_ICONS = [`[${ICONS}]`];

export const PREFIX_RULES: readonly string[] = [
  '§', '%', '=', '—', '–', '\\+(?![0-9])',
  ...LIST_PUNCT, ...LIST_ELLIPSES, ...LIST_QUOTES, ...LIST_CURRENCY, ...LIST_ICONS,
];

export const SUFFIX_RULES: readonly string[] = [
  ...LIST_PUNCT, ...LIST_ELLIPSES, ...LIST_QUOTES, ...LIST_ICONS,
  "'s", "'S", '’s', '’S', '—', '–',
  '(?<=[0-9])\\+',
  '(?<=°[FfCcKk])\\.',
  `(?<=[0-9])(?:${CURRENCY})`,
  `(?<=[0-9])(?:${UNITS})`,
  `(?<=[0-9${ALPHA_LOWER}%²\\-\\+${PUNCT_IN_CLASS}(?:${CONCAT_QUOTES})])\\.`,
  `(?<=[${ALPHA_UPPER}][${ALPHA_UPPER}])\\.`,
];

export const INFIX_RULES: readonly string[] = [
  ...LIST_ELLIPSES, ...LIST_ICONS,
  '(?<=[0-9])[+\\-\\*^](?=[0-9-])',
  `(?<=[${ALPHA_LOWER}${CONCAT_QUOTES}])\\.(?=[${ALPHA_UPPER}${CONCAT_QUOTES}])`,
  `(?<=[${ALPHA}]),(?=[${ALPHA}])`,
  `(?<=[${ALPHA}0-9])(?:${HYPHENS})(?=[${ALPHA}])`,
  `(?<=[${ALPHA}0-9])[:<>=/](?=[${ALPHA}])`,
];

// Rules that are only whitespace are left out, as compile_*_regex does (`if piece.strip()`).
const kept = (rules: readonly string[]) => rules.filter((r) => r.trim() !== '');

export const PREFIX_SOURCE = kept(PREFIX_RULES).map((r) => `^${r}`).join('|');
export const SUFFIX_SOURCE = kept(SUFFIX_RULES).map((r) => `${r}$`).join('|');
export const INFIX_SOURCE = kept(INFIX_RULES).join('|');

/** Anchored at the start: `exec` gives the prefix or null. */
export const PREFIX = new RegExp(PREFIX_SOURCE, 'u');
/**
 * The suffix search, global so it can start near the end of a long string (`lastIndex`) while its
 * lookbehinds still see the characters before.
 */
export const SUFFIX = new RegExp(SUFFIX_SOURCE, 'gu');
/** Every infix, left to right (`finditer`). */
export const INFIX = new RegExp(INFIX_SOURCE, 'gu');
