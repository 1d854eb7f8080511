// The `language_id` stage (datatrove/pipeline/filters/language_filter.py, LanguageFilter.filter): detect
// each document's language, store `meta.language`, `meta.language_score` (datatrove's keys) and
// `meta.language_script` (datatrove's key for GlotLID; here for every detector), and keep the document
// when an allowed language scores above the threshold (FineWeb: English, 0.65). The metadata is written
// for every document, kept or dropped, so later stages (c4_badwords) and `inspect` can use it.

import * as path from 'node:path';
import { z } from 'zod';
import { defineFilter, commonOptions } from '../define-filter.js';
import { ConfigError } from '../../../lib/config-errors.js';
import { createDetector, prepareText, DETECTORS, type LanguageDetector } from './detector.js';
import { ELD_MODELS } from './eld-detector.js';
import { normalizeLanguage, toIso639_3 } from './iso639.js';
import { dominantScript } from './script.js';

export const languageIdSchema = z
  .object({
    languages: z
      .array(z.string())
      .default(['en'])
      .describe("Allowed languages (ISO 639-1 or 639-3: 'de', 'deu', 'cmn'); an empty list allows any language (datatrove's default)"),
    threshold: z.number().min(0).max(1).default(0.65).describe('Keep when an allowed language scores above this'),
    detector: z
      .enum(DETECTORS)
      .default('lid176')
      .describe("lid176: fastText's lid.176 (FineWeb's); eld: ELD (60 languages); ensemble: both, each where it measured better"),
    model: z
      .string()
      .nullable()
      .default(null)
      .describe('A fastText model file (.bin or .ftz, e.g. GlotLID) for detector lid176, relative to the config; null: the bundled lid.176.ftz'),
    eldModel: z.enum(ELD_MODELS).default('medium').describe('ELD database size (detectors eld and ensemble): large, medium, small, extrasmall'),
    maxChars: z
      .number()
      .int()
      .min(16)
      .nullable()
      .default(1000)
      .describe('Characters fed to the detector (the first ones); null: the whole text, as datatrove (FineWeb) does'),
    codes: z
      .enum(['iso639-1', 'iso639-3'])
      .default('iso639-1')
      .describe("meta.language as ISO 639-1 where one exists ('en', datatrove with lid.176) or always ISO 639-3 ('eng', datatrove with GlotLID)"),
    ...commonOptions,
  })
  .strict();

export type LanguageIdOptions = z.output<typeof languageIdSchema>;

export interface Classified {
  /** Canonical code ('und' when the text has no letters). */
  language: string;
  score: number;
  script: string;
  verdict: true | string;
}

/** Decide one document: the metadata to store and the verdict. */
export function classify(detector: LanguageDetector, text: string, o: Pick<LanguageIdOptions, 'maxChars' | 'threshold'>, allowed: ReadonlySet<string>): Classified {
  const prepared = prepareText(text, o.maxChars);
  const textScript = dominantScript(prepared);
  // Nothing to identify (empty, digits, symbols): fastText would still name a language, at random.
  if (textScript === 'Zyyy') return { language: 'und', score: 0, script: textScript, verdict: 'no_language' };
  const d = detector.detect(prepared, o.threshold);
  const script = d.script ?? textScript;
  if (!d.language) return { language: 'und', score: 0, script, verdict: 'no_language' };
  if (allowed.size === 0) return { language: d.language, score: d.score, script, verdict: d.score > o.threshold ? true : 'low_score' };
  // datatrove keeps a document when any allowed language scores above the threshold, top-1 or not.
  for (const l of allowed) if ((d.scores[l] ?? 0) > o.threshold) return { language: d.language, score: d.score, script, verdict: true };
  return { language: d.language, score: d.score, script, verdict: allowed.has(d.language) ? 'low_score' : 'other_language' };
}

/** The detector options, checked: a model path only for lid176, ELD sizes under their own key. */
export function detectorOptions(o: LanguageIdOptions, configDir: string): { detector: LanguageIdOptions['detector']; model: string | null; eldModel: LanguageIdOptions['eldModel'] } {
  if (o.model !== null && (ELD_MODELS as readonly string[]).includes(o.model)) {
    throw new ConfigError(`language_id.model = ${JSON.stringify(o.model)}: model is now the path of a fastText model; the ELD database size goes in eldModel (with detector: "eld")`);
  }
  if (o.model !== null && o.detector !== 'lid176') {
    throw new ConfigError(
      `language_id.model = ${JSON.stringify(o.model)} with detector ${JSON.stringify(o.detector)}: a fastText model file is used by detector "lid176" only ` +
        '(the ensemble is fitted to lid.176); set detector to "lid176" or remove model',
    );
  }
  return { detector: o.detector, model: o.model === null ? null : path.resolve(configDir, o.model), eldModel: o.eldModel };
}

export const languageId = defineFilter({
  type: 'language_id',
  description: 'Detect the language (lid.176, ELD or both), store meta.language / language_score / language_script, keep allowed languages scoring above the threshold',
  schema: languageIdSchema,
  async build(options, setup) {
    const allowed = new Set(options.languages.map(normalizeLanguage));
    // Models load once per process (lid.176: ~50 ms; ELD medium: ~1.5 s) before the first document.
    const detector = await createDetector(detectorOptions(options, setup.configDir));
    const code = options.codes === 'iso639-3' ? toIso639_3 : (c: string) => c;
    return (doc, tools) => {
      const r = classify(detector, doc.text, options, allowed);
      doc.meta.language = r.language === 'und' ? 'und' : code(r.language);
      doc.meta.language_score = r.score;
      doc.meta.language_script = r.script;
      tools.observe('language_score', r.score);
      tools.count(`language:${r.language}`);
      tools.count(`script:${r.script}`);
      // Per language, the score's mean and range, and what was kept: the report's language table.
      tools.observe(`language_score:${r.language}`, r.score);
      if (r.verdict === true) tools.count(`language_kept:${r.language}`);
      return r.verdict;
    };
  },
});
