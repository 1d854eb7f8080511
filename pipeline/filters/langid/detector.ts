// What a language detector is, the text it is given, and the registry of detectors the `language_id`
// stage can use: `lid176` (fastText's lid.176, bundled; or any fastText model by path), `eld`, and
// `ensemble` (both, each where it measured better). docs/langid.md has the measurements behind each.

import { ConfigError } from '../../../lib/config-errors.js';
import { loadEldDetector, type EldModel } from './eld-detector.js';
import { loadFastTextDetector } from './fasttext-detector.js';
import { ensembleDetector } from './ensemble.js';
import type { LanguageDetector } from './detection.js';

export type { Detection, LanguageDetector } from './detection.js';

export const DETECTORS = ['lid176', 'eld', 'ensemble'] as const;
export type DetectorName = (typeof DETECTORS)[number];

/**
 * Prepare text as datatrove does before fastText (datatrove/utils/lid.py, FastTextLID.predict:
 * `doc.text.replace("\n", " ")`), after cutting it to its first `maxChars` UTF-16 units (null: the
 * whole text, as datatrove). "\r" becomes a space too: fastText splits words on both alike, and ELD
 * and fastText's one-line predict must not see a line break. Lone surrogates (also one left by the
 * cut) become U+FFFD, so the UTF-8 fastText reads is valid.
 */
export function prepareText(text: string, maxChars: number | null): string {
  const t = maxChars !== null && text.length > maxChars ? text.slice(0, maxChars) : text;
  return (t.replace(/[\n\r]/g, ' ') as unknown as { toWellFormed(): string }).toWellFormed(); // Node ≥ 20
}

export function unknownDetector(name: string): never {
  throw new ConfigError(`detector = ${JSON.stringify(name)}: unknown detector; known: ${DETECTORS.join(', ')}`);
}

export interface DetectorOptions {
  detector: DetectorName;
  /** A fastText model file for lid176 / the ensemble's fastText part; null: the bundled lid.176.ftz. */
  model: string | null;
  eldModel: EldModel;
}

/** Build the detector a `language_id` stage asks for (each model loads once per process). */
export async function createDetector(o: DetectorOptions): Promise<LanguageDetector> {
  const fastText = () => loadFastTextDetector(o.model ?? undefined);
  switch (o.detector) {
    case 'lid176': return fastText();
    case 'eld': return loadEldDetector(o.eldModel);
    case 'ensemble': return ensembleDetector(await fastText(), await loadEldDetector(o.eldModel));
    default: return unknownDetector(o.detector);
  }
}

/** The ELD detector alone (for benches that compare against it). */
export const loadDetector = (model: EldModel = 'medium'): Promise<LanguageDetector> => loadEldDetector(model);
