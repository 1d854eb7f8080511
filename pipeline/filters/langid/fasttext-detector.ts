// fastText language-ID models as detectors: lid.176 (bundled, the classifier FineWeb used through
// datatrove: datatrove/utils/lid.py, FT176LID) and any supervised fastText model the user gives by path,
// such as GlotLID (labels `eng_Latn`: language and script; datatrove/utils/lid.py, GlotLID).
//
// Labels become canonical codes (iso639.ts). lid.176 uses Wikipedia's codes; all are ISO codes for the
// same language except `als`, which is Alemannic in Wikipedia and Tosk Albanian in ISO 639-3: it is
// written `gsw`. That fix applies only to a model whose labels are exactly lid.176's (the bundled .ftz
// or a lid.176.bin the user gives), never to a model like GlotLID whose `als_Latn` is Albanian.

import { loadFastTextModel, LID176_PATH, type FastTextModel } from './fasttext-wasm.js';
import { normalizeLanguage } from './iso639.js';
import type { Detection, LanguageDetector } from './detection.js';

const LID176_LABELS =
  'af als am an ar arz as ast av az azb ba bar bcl be bg bh bn bo bpy br bs bxr ca cbk ce ceb ckb co cs cv cy da de diq dsb dty dv el eml en eo ' +
  'es et eu fa fi fr frr fy ga gd gl gn gom gu gv he hi hif hr hsb ht hu hy ia id ie ilo io is it ja jbo jv ka kk km kn ko krc ku kv kw ky la lb ' +
  'lez li lmo lo lrc lt lv mai mg mhr min mk ml mn mr mrj ms mt mwl my myv mzn nah nap nds ne new nl nn no oc or os pa pam pfl pl pms pnb ps pt ' +
  'qu rm ro ru rue sa sah sc scn sco sd sh si sk sl so sq sr su sv sw ta te tg th tk tl tr tt tyv ug uk ur uz vec vep vi vls vo wa war wuu xal ' +
  'xmf yi yo yue zh';
const LID176_SET = new Set(LID176_LABELS.split(' '));
const WIKIPEDIA_CODES: Record<string, string> = { als: 'gsw' };

export function isLid176(labels: readonly string[]): boolean {
  return labels.length === LID176_SET.size && labels.every((l) => LID176_SET.has(l));
}

interface LabelInfo {
  language: string;
  /** ISO 15924 script when the label carries one (`srp_Cyrl`). */
  script?: string;
}

/** A model label → canonical language code and, for `xxx_Scrp` labels, the script. */
export function parseLabel(label: string, lid176: boolean): LabelInfo {
  const m = /^([A-Za-z]{2,3})_([A-Z][a-z]{3})$/.exec(label);
  if (m) return { language: normalizeLanguage(m[1]), script: m[2] };
  return { language: normalizeLanguage(lid176 ? (WIKIPEDIA_CODES[label] ?? label) : label) };
}

export interface FastTextDetector extends LanguageDetector {
  model: FastTextModel;
}

/**
 * Wrap a loaded model. `detect` asks fastText for the top label and, when `minScore` < 0.5, every
 * label with probability ≥ minScore (the only ones a threshold rule can keep: at most one label can
 * pass a threshold ≥ 0.5, and it is the top one), so a document costs one prediction either way.
 */
export function fastTextDetector(name: string, model: FastTextModel): FastTextDetector {
  const lid176 = isLid176(model.labels);
  const info = new Map(model.labels.map((l) => [l, parseLabel(l, lid176)]));
  const languages = [...new Set([...info.values()].map((i) => i.language))];
  return {
    name,
    model,
    languages,
    detect(text: string, minScore = 1): Detection {
      const p = minScore < 0.5 ? model.predict(text, -1, Math.max(minScore, 1e-6)) : model.predict(text, 1, 0);
      if (p.labels.length === 0) {
        // Every probability fell under minScore: still report the best one.
        const top = model.predict(text, 1, 0);
        p.labels = top.labels;
        p.probs = top.probs;
      }
      // fastText answers nothing for a line without words (only spaces).
      if (p.labels.length === 0) return { language: '', score: 0, scores: {} };
      const scores: Record<string, number> = {};
      for (let i = 0; i < p.labels.length; i++) {
        const lang = info.get(p.labels[i])!.language;
        // A language with labels in several scripts (GlotLID) scores as its best one, as datatrove's label does.
        if (!(lang in scores)) scores[lang] = p.probs[i];
      }
      const top = info.get(p.labels[0])!;
      return { language: top.language, score: p.probs[0], script: top.script, scores };
    },
  };
}

const cache = new Map<string, Promise<FastTextDetector>>();

/** lid.176 (the bundled .ftz) or the model at `file`; loaded once per process and path. */
export function loadFastTextDetector(file: string = LID176_PATH, field = 'model'): Promise<FastTextDetector> {
  let p = cache.get(file);
  if (!p) {
    p = loadFastTextModel(file, field).then((m) => fastTextDetector(file === LID176_PATH ? 'lid176' : `fasttext:${file}`, m));
    // A failed load is not cached: the error names the file and the user may fix it and retry.
    p.catch(() => cache.delete(file));
    cache.set(file, p);
  }
  return p;
}
