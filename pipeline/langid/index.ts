// Language identification: the `language_id` stage and the detector behind it.

import type { StageDefinition } from '../core/stage.js';
import { languageId } from './language-id.js';

export { languageId, classify, languageIdSchema, type LanguageIdOptions } from './language-id.js';
export { loadDetector, prepareText, type LanguageDetector, type Detection } from './detector.js';
export { normalizeLanguage, ISO639_3_TO_1 } from './iso639.js';

export const definitions: StageDefinition[] = [languageId as StageDefinition];
