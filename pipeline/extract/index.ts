// Extraction stages: raw page formats → text.

import type { StageDefinition } from '../core/stage.js';
import { htmlExtractStage } from './html-extract.js';

export const definitions: StageDefinition[] = [htmlExtractStage as StageDefinition];

export { htmlExtractStage, createHtmlExtract, htmlExtractSchema, extractDocument, EXTRACT_MODES, type HtmlExtractOptions } from './html-extract.js';
export { extractPage, type PageResult, type PageOptions, type ExtractionPath } from './extractor.js';
export { ExtractTimeout, Clock } from './dom.js';
export { htmlToText } from './html-to-text.js';
