// ELD (npm `eld`, Nito-ELD: byte n-gram scores, pure JavaScript) as a detector: 60 languages, the most
// accurate of the npm detectors on them (99.5 % top-1 on the lingua sentences of its 55 languages) and
// the fastest (17 MB/s per core on web documents); see docs/langid.md. The database size is
// configurable; 'medium' is the default (within 0.1 point of 'large' at about half its memory).

import { normalizeLanguage } from './iso639.js';
import type { Detection, LanguageDetector } from './detection.js';

export const ELD_MODELS = ['large', 'medium', 'small', 'extrasmall'] as const;
export type EldModel = (typeof ELD_MODELS)[number];

interface EldApi {
  detect(text: string): { language: string; getScores(): Record<string, number> };
  info(): { Languages: Record<number, string> };
}

const loaded = new Map<EldModel, Promise<EldApi>>();

async function importEld(model: EldModel): Promise<EldApi> {
  // Static imports per size, so bundlers and tsc see real module names (each size is a separate database).
  switch (model) {
    case 'large': return (await import('eld/large')).eld as unknown as EldApi;
    case 'medium': return (await import('eld/medium')).eld as unknown as EldApi;
    case 'small': return (await import('eld/small')).eld as unknown as EldApi;
    case 'extrasmall': return (await import('eld/extrasmall')).eld as unknown as EldApi;
  }
}

/** Load (once per process and size) the ELD database and wrap it. ELD reads at most 1000 UTF-16 units. */
export async function loadEldDetector(model: EldModel = 'medium'): Promise<LanguageDetector> {
  let p = loaded.get(model);
  if (!p) loaded.set(model, (p = importEld(model)));
  const eld = await p;
  const languages = Object.values(eld.info().Languages).map(normalizeLanguage);
  return {
    name: `eld-${model}`,
    languages,
    detect(text: string): Detection {
      const r = eld.detect(text);
      const scores: Record<string, number> = {};
      for (const [k, v] of Object.entries(r.getScores()).sort((a, b) => b[1] - a[1])) scores[normalizeLanguage(k)] = v;
      const language = r.language ? normalizeLanguage(r.language) : '';
      return { language, score: language ? (scores[language] ?? 0) : 0, scores };
    },
  };
}
