// Extraction stages: raw page formats → text.

import type { StageDefinition } from '../core/stage.js';
import { htmlExtractStage } from './html-extract.js';

export const definitions: StageDefinition[] = [htmlExtractStage as StageDefinition];

export { htmlExtractStage, createHtmlExtract, htmlExtractSchema } from './html-extract.js';
export { htmlToText, ExtractTimeout } from './html-to-text.js';
