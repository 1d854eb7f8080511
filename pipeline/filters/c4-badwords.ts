// C4 bad-words filter (datatrove's C4BadWordsFilter) with the LDNOOBW lists from npm `naughty-words`.
// The list is chosen by `meta.language` (set by language_id), else `defaultLanguage`. A document with a
// listed word or phrase is dropped, except a seeded `keepFraction` of them.
//
// Matching is token-based, not one 400-way regex per document: each word token of the lowercased text
// is looked up in a map of first words, and only those candidates are compared with the full entries
// at their position, with word boundaries on both sides (datatrove's `(?:\W|^)(…)(?:\W|$)`). Lists of
// space-less scripts (ja, th, zh) are matched as plain substrings, as datatrove does.

import { createRequire } from 'node:module';
import { z } from 'zod';
import { defineFilter, commonOptions } from './define-filter.js';
import { tokenize, charClass, WORD, type Tokens } from './words.js';

const require = createRequire(import.meta.url);
const LISTS = require('naughty-words') as Record<string, string[]>;

/** Our language codes → the list names naughty-words uses. */
const LIST_ALIASES: Record<string, string> = { tl: 'fil', nb: 'no', nn: 'no' };
const NO_SPACE_LISTS = new Set(['ja', 'th', 'zh']);

export const c4BadWordsSchema = z
  .object({
    keepFraction: z.number().min(0).max(1).default(0).describe('Fraction of documents with bad words kept anyway (seeded)'),
    defaultLanguage: z.string().default('en').describe('Language used when a document has no meta.language'),
    failOnMissingLanguage: z
      .boolean()
      .default(false)
      .describe('Drop (reason missing_language_list) documents whose language has no list; false keeps them and counts them'),
    extraWords: z.array(z.string()).default([]).describe('Extra words or phrases for every language'),
    ...commonOptions,
  })
  .strict();

export interface BadWordMatcher {
  /**
   * The first listed word or phrase found in `text`, or null. `tokens` may be the text's own word runs
   * (words.ts `tokenize`; they are reused when lowercasing keeps every offset, the usual case).
   */
  find(text: string, tokens?: Tokens): string | null;
}

export function badWordsLanguages(): string[] {
  return [...Object.keys(LISTS), ...Object.keys(LIST_ALIASES)].sort();
}

/** Matcher for one language, or undefined when naughty-words has no list for it. */
export function badWordMatcher(language: string, extra: readonly string[] = []): BadWordMatcher | undefined {
  const name = LIST_ALIASES[language] ?? language;
  const list = LISTS[name];
  if (!list) return undefined;
  const entries = [...new Set([...list, ...extra].map((w) => w.toLowerCase().trim()).filter((w) => w.length > 0))];
  return NO_SPACE_LISTS.has(name) ? substringMatcher(entries) : tokenMatcher(entries);
}

function substringMatcher(entries: string[]): BadWordMatcher {
  return {
    find(text) {
      const lower = text.toLowerCase();
      for (const e of entries) if (lower.includes(e)) return e;
      return null;
    },
  };
}

function tokenMatcher(entries: string[]): BadWordMatcher {
  // Entries are grouped by their first word token; entries without one (an emoji) are substring checks.
  const byFirst = new Map<string, string[]>();
  const bare: string[] = [];
  for (const e of entries) {
    const t = tokenize(e);
    let k = 0;
    while (k < t.n && !(t.flags[k] & WORD)) k++;
    if (k === t.n || t.start[k] !== 0) {
      bare.push(e);
      continue;
    }
    const first = e.slice(t.start[k], t.end[k]);
    let group = byFirst.get(first);
    if (!group) byFirst.set(first, (group = []));
    group.push(e);
  }
  for (const g of byFirst.values()) g.sort((a, b) => b.length - a.length);
  // A token is sliced and looked up only when some first word has its length and first, second and
  // last code unit (a 16-bit signature in a bitmap): almost every token of a document is skipped here.
  const signatures = new Uint8Array(65536);
  for (const w of byFirst.keys()) signatures[signature(w, 0, w.length)] = 1;
  return {
    find(text, tokens) {
      const lower = text.toLowerCase();
      const t = tokens && lower.length === text.length ? tokens : tokenize(lower);
      for (let k = 0; k < t.n; k++) {
        if (!(t.flags[k] & WORD)) continue;
        const s = t.start[k];
        if (signatures[signature(lower, s, t.end[k])] === 0) continue;
        const group = byFirst.get(lower.slice(s, t.end[k]));
        if (!group) continue;
        for (const e of group) {
          if (!lower.startsWith(e, s)) continue;
          const after = s + e.length;
          if (after >= lower.length || !(charClass(lower, after) & WORD)) return e;
        }
      }
      for (const e of bare) if (lower.includes(e)) return e;
      return null;
    },
  };
}

/** 16-bit signature of text[a, b) (b > a): its length, first, second and last code unit. */
function signature(text: string, a: number, b: number): number {
  const second = b - a > 1 ? text.charCodeAt(a + 1) : 0;
  const h = Math.imul(b - a, 0x9e3779b1) ^ Math.imul(text.charCodeAt(a), 0x85ebca6b) ^ Math.imul(second, 0xc2b2ae35) ^ Math.imul(text.charCodeAt(b - 1), 0x27d4eb2f);
  return (h ^ (h >>> 16)) & 0xffff;
}

export const c4BadWords = defineFilter({
  type: 'c4_badwords',
  description: 'Drop documents containing a word or phrase of the LDNOOBW bad-words list of their language',
  schema: c4BadWordsSchema,
  build(o) {
    if (!LISTS[LIST_ALIASES[o.defaultLanguage] ?? o.defaultLanguage]) {
      throw new Error(`c4_badwords.defaultLanguage '${o.defaultLanguage}' has no bad-words list; known: ${badWordsLanguages().join(', ')}`);
    }
    const matchers = new Map<string, BadWordMatcher | undefined>();
    return (doc, tools) => {
      const lang = typeof doc.meta.language === 'string' && doc.meta.language ? doc.meta.language : o.defaultLanguage;
      let m = matchers.get(lang);
      if (!matchers.has(lang)) matchers.set(lang, (m = badWordMatcher(lang, o.extraWords)));
      if (!m) {
        tools.count(`no_list:${lang}`);
        return o.failOnMissingLanguage ? 'missing_language_list' : true;
      }
      if (m.find(doc.text) === null) return true;
      tools.count(`with_badwords:${lang}`);
      if (o.keepFraction > 0 && tools.rng.next() < o.keepFraction) {
        tools.count('kept_with_badwords');
        return true;
      }
      return 'badwords';
    };
  },
});
