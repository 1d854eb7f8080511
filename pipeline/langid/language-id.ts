// The `language_id` stage: detect each document's language, store it in `meta.language` (ISO 639-1
// where one exists, else 639-3) and `meta.language_score`, and keep the document when an allowed
// language scores above the threshold (FineWeb: English, 0.65). The metadata is written for every
// document, kept or dropped, so later stages (c4_badwords) and `inspect` can use it.

import { z } from 'zod';
import { defineFilter, commonOptions } from '../filters/define-filter.js';
import { loadDetector, prepareText, ELD_MODELS, type LanguageDetector } from './detector.js';
import { normalizeLanguage } from './iso639.js';

export const languageIdSchema = z
  .object({
    languages: z
      .array(z.string())
      .default(['en'])
      .describe('Allowed languages (ISO 639-1 or 639-3); an empty list allows any language (datatrove\'s default)'),
    threshold: z.number().min(0).max(1).default(0.65).describe('Keep when an allowed language scores above this'),
    maxChars: z
      .number()
      .int()
      .min(16)
      .default(1000)
      .describe('Characters fed to the detector (the first ones). ELD itself reads at most 1000, so more has no effect'),
    model: z.enum(ELD_MODELS).default('medium').describe('ELD database size: large, medium, small, extrasmall'),
    ...commonOptions,
  })
  .strict();

export type LanguageIdOptions = z.output<typeof languageIdSchema>;

/** Decide one document: the metadata to store and the verdict. */
export function classify(detector: LanguageDetector, text: string, o: LanguageIdOptions, allowed: ReadonlySet<string>): { language: string; score: number; verdict: true | string } {
  const d = detector.detect(prepareText(text, o.maxChars));
  const language = d.language || 'und';
  if (!d.language) return { language, score: 0, verdict: 'no_language' };
  if (allowed.size === 0) return { language, score: d.score, verdict: d.score > o.threshold ? true : 'low_score' };
  // datatrove keeps a document when any allowed language scores above the threshold, top-1 or not.
  let best = 0;
  for (const l of allowed) best = Math.max(best, d.scores[l] ?? 0);
  if (best > o.threshold) return { language, score: d.score, verdict: true };
  return { language, score: d.score, verdict: allowed.has(language) ? 'low_score' : 'other_language' };
}

export const languageId = defineFilter({
  type: 'language_id',
  description: 'Detect the language (ELD), store meta.language / meta.language_score, keep allowed languages scoring above the threshold',
  schema: languageIdSchema,
  async build(options) {
    const allowed = new Set(options.languages.map(normalizeLanguage));
    // The detector database loads once per process (about a second) before the first document.
    const detector = await loadDetector(options.model);
    return (doc, tools) => {
      const r = classify(detector, doc.text, options, allowed);
      doc.meta.language = r.language;
      doc.meta.language_score = Math.round(r.score * 1e4) / 1e4;
      tools.observe('language_score', r.score);
      tools.count(`language:${r.language}`);
      // Per language, the score's mean and range, and what was kept: the report's language table.
      tools.observe(`language_score:${r.language}`, r.score);
      if (r.verdict === true) tools.count(`language_kept:${r.language}`);
      return r.verdict;
    };
  },
});
