// The heuristic quality filters, one stage per file, all built by the one wrapper in define-filter.ts.

import type { StageDefinition } from '../core/stage.js';
import { gopherQuality } from './gopher-quality.js';
import { gopherRepetition } from './gopher-repetition.js';
import { c4Quality } from './c4-quality.js';
import { c4BadWords } from './c4-badwords.js';
import { c4Paragraph } from './c4-paragraph.js';
import { finewebQuality } from './fineweb-quality.js';
import { urlFilter } from './url-filter.js';
import { pii } from './pii.js';
import { length } from './length.js';

export { defineFilter, defineTransform, drop, type Verdict, type FilterTools, type DropExample } from './define-filter.js';
export { readDropExamples, type StageDrops, type ReasonDrops } from './drop-examples.js';
export { countWords, tokenize } from './words.js';
export { gopherQuality, gopherRepetition, c4Quality, c4BadWords, c4Paragraph, finewebQuality, urlFilter, pii, length };

export const definitions: StageDefinition[] = [
  urlFilter,
  gopherRepetition,
  gopherQuality,
  c4Quality,
  c4BadWords,
  c4Paragraph,
  finewebQuality,
  pii,
  length,
] as StageDefinition[];
