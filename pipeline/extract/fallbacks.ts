// Second opinions for the main extractor (trafilatura/external.py): Readability and jusText.

import type { Clock, El } from './dom.js';
import type { Focus } from './cleaning.js';
import type { Extraction } from './main-extractor.js';

export type FallbackUse = 'own' | 'readability' | 'justext';

export function compareExtraction(_cleaned: El, _raw: El, own: Extraction, _o: { focus: Focus; clock?: Clock }): { result: Extraction; used: FallbackUse } {
  return { result: own, used: 'own' };
}

export function justextRescue(_tree: El): Extraction | null {
  return null;
}
