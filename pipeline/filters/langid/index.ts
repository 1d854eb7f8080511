// Language identification: the `language_id` stage and the detectors behind it.

import type { StageDefinition } from '../../core/stage.js';
import { languageId } from './language-id.js';

export { languageId, classify, languageIdSchema, type LanguageIdOptions } from './language-id.js';
export { createDetector, loadDetector, prepareText, DETECTORS, type LanguageDetector, type Detection } from './detector.js';
export { loadFastTextDetector, parseLabel } from './fasttext-detector.js';
export { loadFastTextModel, LID176_PATH, MAX_MODEL_BYTES } from './fasttext-wasm.js';
export { loadEldDetector, ELD_MODELS } from './eld-detector.js';
export { ensembleDetector } from './ensemble.js';
export { dominantScript } from './script.js';
export { normalizeLanguage, toIso639_3, ISO639_3_TO_1 } from './iso639.js';

export const definitions: StageDefinition[] = [languageId as StageDefinition];
