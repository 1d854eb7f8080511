// C4 quality rules (Raffel et al. 2020, as datatrove's C4QualityFilter applies them): line-level
// cleaning (lines without terminal punctuation, short lines, "javascript", cookie/policy boilerplate,
// over-long words, citation markers) and document rules (too few sentences, lorem ipsum, '{').
// A transform: kept documents carry the cleaned text. FineWeb runs it with `filterNoTerminalPunct: false`.

import { z } from 'zod';
import { defineTransform, commonOptions, drop } from './define-filter.js';
import { splitLines } from './text-stats.js';

export const c4QualitySchema = z
  .object({
    splitParagraph: z.boolean().default(true).describe('Work on lines (true) or on sentences (false)'),
    removeCitations: z.boolean().default(true).describe('Remove citation markers like [1], [edit], [citation needed]'),
    filterNoTerminalPunct: z.boolean().default(true).describe("Drop lines that do not end in . ? ! \" ' (or end in '...'); FineWeb: false"),
    minNumSentences: z.number().int().nullable().default(5).describe('Documents with fewer sentences (in kept lines) fail (null: off)'),
    minWordsPerLine: z.number().int().nullable().default(3).describe('Drop lines with fewer whitespace-separated words (null: off)'),
    maxWordLength: z.number().int().nullable().default(1000).describe('Drop lines holding a longer word (null: off)'),
    filterLoremIpsum: z.boolean().default(true).describe("Documents containing 'lorem ipsum' fail"),
    filterJavascript: z.boolean().default(true).describe("Drop lines containing 'javascript'"),
    filterCurlyBracket: z.boolean().default(true).describe("Documents containing '{' fail"),
    filterPolicy: z.boolean().default(true).describe('Drop cookie / terms-of-use / privacy-policy lines'),
    policySubstrings: z
      .array(z.string())
      .default(['terms of use', 'privacy policy', 'cookie policy', 'uses cookies', 'use of cookies', 'use cookies'])
      .describe('Lowercase substrings that mark a policy line'),
    ...commonOptions,
  })
  .strict();

export type C4QualityOptions = z.output<typeof c4QualitySchema>;

const CITATION = /\[\d*\]|\[edit\]|\[citation needed\]/g;
const END_PUNCT = ['.', '?', '!', '"', "'"];
const SENTENCE_END = /[.!?。！？]+(?=\s|$)/g;

/** Sentences in a line: runs of . ! ? followed by space or end, plus a trailing unterminated piece. */
export function countSentences(line: string): number {
  let n = 0;
  let last = 0;
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(line); m !== null; m = SENTENCE_END.exec(line)) {
    if (hasWordChar(line, last, m.index)) n++;
    last = m.index + m[0].length;
  }
  if (hasWordChar(line, last, line.length)) n++;
  return n;
}

function hasWordChar(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f || (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122)) return true;
  }
  return false;
}

/** Split into sentences on the same boundaries (used when `splitParagraph` is false). */
function splitSentences(text: string): string[] {
  const out: string[] = [];
  let last = 0;
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(text); m !== null; m = SENTENCE_END.exec(text)) {
    const end = m.index + m[0].length;
    out.push(text.slice(last, end));
    last = end;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export interface C4Result {
  text: string;
  sentences: number;
  /** Lines removed, by rule. */
  removed: Record<string, number>;
  /** Document-level failure, if any. */
  fail?: 'too_few_sentences' | 'lorem_ipsum' | 'curly_bracket';
}

/** Apply the C4 rules to a text. Pure, so tests can compare line decisions with hand-made expectations. */
export function c4Clean(text: string, o: C4QualityOptions): C4Result {
  const lines = o.splitParagraph ? splitLines(text) : splitSentences(text);
  const kept: string[] = [];
  const removed: Record<string, number> = {};
  const remove = (why: string) => (removed[why] = (removed[why] ?? 0) + 1);
  let sentences = 0;
  for (const raw of lines) {
    let line = raw.trim();
    const words = line.length ? line.split(/\s+/) : [];
    if (o.maxWordLength !== null && words.some((w) => w.length > o.maxWordLength!)) { remove('too_long_word'); continue; }
    if (o.removeCitations && line.includes('[')) line = line.replace(CITATION, '');
    if (o.filterNoTerminalPunct && (!END_PUNCT.some((p) => line.endsWith(p)) || line.endsWith('...'))) { remove('no_terminal_punct'); continue; }
    if (o.minWordsPerLine !== null && words.length < o.minWordsPerLine) { remove('too_few_words'); continue; }
    const lower = line.toLowerCase();
    if (o.filterJavascript && lower.includes('javascript')) { remove('javascript'); continue; }
    if (o.filterPolicy && o.policySubstrings.some((p) => lower.includes(p))) { remove('policy'); continue; }
    if (o.minNumSentences !== null) sentences += o.splitParagraph ? countSentences(line) : 1;
    kept.push(line);
  }
  const out = kept.join(o.splitParagraph ? '\n' : ' ').trim();
  const result: C4Result = { text: out, sentences, removed };
  if (o.minNumSentences !== null && sentences < o.minNumSentences) result.fail = 'too_few_sentences';
  else if (o.filterLoremIpsum && out.toLowerCase().includes('lorem ipsum')) result.fail = 'lorem_ipsum';
  else if (o.filterCurlyBracket && out.includes('{')) result.fail = 'curly_bracket';
  return result;
}

export const c4Quality = defineTransform({
  type: 'c4_quality',
  description: 'C4 rules: keep lines with terminal punctuation and 3+ words, drop javascript/policy lines and citations; drop documents with < 5 sentences, lorem ipsum or {',
  schema: c4QualitySchema,
  build(o) {
    return (doc, tools) => {
      const r = c4Clean(doc.text, o);
      for (const [why, n] of Object.entries(r.removed)) tools.count(`lines_removed:${why}`, n);
      if (r.fail) return drop(r.fail);
      return r.text;
    };
  },
});
