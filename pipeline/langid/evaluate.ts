// Accuracy measurement for language detectors on the labelled sets in ../shared/data/langid (and the
// language-labelled JSONL documents next to it). Shared by bench/langid.ts, which compares detectors,
// and test/langid, which asserts the targets; kept here so both measure exactly the same thing.

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as path from 'node:path';
import { normalizeLanguage } from './iso639.js';

export interface Labelled {
  /** Expected language, ISO 639-1 where one exists. */
  lang: string;
  text: string;
  /** Where the label comes from: 'human' (lingua, HPLT annotators) or 'fasttext' (OSCAR, CCNet). */
  labelSource: 'human' | 'fasttext';
}

/** lingua-py's test sentences: one file per language, one sentence per line; keep those ≥ minChars. */
export function linguaSentences(dataDir: string, minChars = 50, every = 1): Labelled[] {
  const dir = path.join(dataDir, 'langid', 'lingua-sentences');
  const out: Labelled[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.txt')).sort()) {
    const lang = f.slice(0, -4);
    const lines = readFileSync(path.join(dir, f), 'utf8').split('\n').filter((s) => s.length >= minChars);
    for (let i = 0; i < lines.length; i += every) out.push({ lang, text: lines[i], labelSource: 'human' });
  }
  return out;
}

/**
 * Web documents with a language label: the 278 HPLT BCMS documents (human labels in `id`, e.g.
 * srp_Cyrl; tra_Zxxx / zxx_Zxxx / mixed kept as 'und'), the OSCAR sample and the CCNet/dolma English
 * documents (fastText labels, the classifier FineWeb uses). Files that are absent are skipped.
 */
export function labelledDocuments(dataDir: string): Labelled[] {
  const out: Labelled[] = [];
  const hplt = path.join(dataDir, 'langid', 'hplt-bcms-annotated', 'test.jsonl');
  if (existsSync(hplt)) {
    for (const line of readFileSync(hplt, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const j = JSON.parse(line) as { id: string; sentence: string };
      const code = j.id.split('_')[0];
      const lang = /^[a-z]{3}$/.test(code) && code !== 'tra' && code !== 'zxx' ? normalizeLanguage(code) : 'und';
      out.push({ lang, text: j.sentence, labelSource: 'human' });
    }
  }
  const oscar = path.join(dataDir, 'jsonl', 'data.jsonl');
  if (existsSync(oscar)) {
    for (const line of readFileSync(oscar, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const j = JSON.parse(line) as { content: string; metadata: { identification: { label: string } } };
      out.push({ lang: normalizeLanguage(j.metadata.identification.label), text: j.content, labelSource: 'fasttext' });
    }
  }
  for (const f of ['cc_en_head-0091.jsonl.gz', 'cc_en_head-0174.jsonl.gz', '000.json.gz']) {
    const p = path.join(dataDir, 'jsonl', f);
    if (!existsSync(p)) continue;
    for (const line of gunzipSync(readFileSync(p)).toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      out.push({ lang: 'en', text: (JSON.parse(line) as { text: string }).text, labelSource: 'fasttext' });
    }
  }
  return out;
}

/** Does a prediction match a label? Norwegian 'no' counts for both Bokmål and Nynorsk. */
export function sameLanguage(predicted: string, label: string): boolean {
  return predicted === label || (predicted === 'no' && (label === 'nb' || label === 'nn'));
}

export interface SentenceReport {
  /** Languages of the set the detector supports. */
  supported: number;
  total: number;
  correct: number;
  accuracy: number;
  perLanguage: Record<string, number>;
}

export function sentenceAccuracy(detect: (t: string) => string, data: Labelled[], supported: readonly string[]): SentenceReport {
  const sup = new Set(supported);
  if (sup.has('no')) sup.add('nb').add('nn');
  const per: Record<string, [number, number]> = {};
  let total = 0;
  let correct = 0;
  for (const s of data) {
    if (!sup.has(s.lang)) continue;
    const ok = sameLanguage(detect(s.text), s.lang);
    const p = (per[s.lang] ??= [0, 0]);
    p[1]++;
    total++;
    if (ok) {
      p[0]++;
      correct++;
    }
  }
  const perLanguage: Record<string, number> = {};
  for (const [l, [c, n]] of Object.entries(per)) perLanguage[l] = c / n;
  return { supported: Object.keys(per).length, total, correct, accuracy: total ? correct / total : 0, perLanguage };
}

export interface DecisionReport {
  total: number;
  correct: number;
  accuracy: number;
  errors: { lang: string; predicted: string; text: string }[];
}

/** English vs not-English on documents of at least minChars (labels 'und' skipped). */
export function englishDecision(detect: (t: string) => string, docs: Labelled[], minChars = 200): DecisionReport {
  let total = 0;
  let correct = 0;
  const errors: DecisionReport['errors'] = [];
  for (const d of docs) {
    if (d.lang === 'und' || d.text.length < minChars) continue;
    total++;
    const p = detect(d.text);
    if ((p === 'en') === (d.lang === 'en')) correct++;
    else errors.push({ lang: d.lang, predicted: p, text: d.text.slice(0, 120) });
  }
  return { total, correct, accuracy: total ? correct / total : 0, errors };
}
