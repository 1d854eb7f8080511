// Accuracy measurement for language detectors on labelled rows (dev-sets.ts). Shared by
// bench/langid.ts, which compares detectors, and test/filters/langid, which asserts the targets, so both
// measure exactly the same thing. Predictions are made once per detector and row; every metric is a
// pure function of rows and predictions.

import type { Labelled } from './dev-sets.js';

export interface Guess {
  language: string;
  score: number;
}

/** Does a prediction match a label? Norwegian `no` counts for both Bokmål and Nynorsk. */
export function sameLanguage(predicted: string, label: string): boolean {
  return predicted === label || (predicted === 'no' && (label === 'nb' || label === 'nn'));
}

export interface LanguageScore {
  correct: number;
  total: number;
}

export interface AccuracyReport {
  total: number;
  correct: number;
  accuracy: number;
  perLanguage: Record<string, LanguageScore>;
}

/** Top-1 accuracy over `rows` (all of them, known to the detector or not), overall and per language. */
export function accuracy(rows: readonly Labelled[], guesses: readonly Guess[]): AccuracyReport {
  const perLanguage: Record<string, LanguageScore> = {};
  let correct = 0;
  rows.forEach((r, i) => {
    const ok = sameLanguage(guesses[i].language, r.lang);
    const p = (perLanguage[r.lang] ??= { correct: 0, total: 0 });
    p.total++;
    if (ok) {
      p.correct++;
      correct++;
    }
  });
  return { total: rows.length, correct, accuracy: rows.length ? correct / rows.length : 0, perLanguage };
}

/** Languages (with at least minRows rows) whose accuracy is at least `floor`. */
export function languagesAtLeast(report: AccuracyReport, floor: number, minRows = 10): string[] {
  return Object.entries(report.perLanguage)
    .filter(([, s]) => s.total >= minRows && s.correct / s.total >= floor)
    .map(([l]) => l)
    .sort();
}

export interface CalibrationBucket {
  /** Scores in [from, to). */
  from: number;
  to: number;
  rows: number;
  correct: number;
}

/** Score bucket → how often the top-1 answer in it is right. Unknown languages count as wrong answers. */
export function calibration(rows: readonly Labelled[], guesses: readonly Guess[], edges = [0, 0.3, 0.5, 0.65, 0.8, 0.9, 0.95, 1.0000001]): CalibrationBucket[] {
  const buckets = edges.slice(0, -1).map((from, i) => ({ from, to: edges[i + 1], rows: 0, correct: 0 }));
  rows.forEach((r, i) => {
    const g = guesses[i];
    const b = buckets.find((x) => g.score >= x.from && g.score < x.to) ?? buckets[0];
    b.rows++;
    if (sameLanguage(g.language, r.lang)) b.correct++;
  });
  return buckets;
}

export interface DecisionReport {
  total: number;
  correct: number;
  accuracy: number;
  errors: { lang: string; predicted: string; text: string }[];
}

/** English vs not-English on documents of at least minChars (labels 'und' skipped). */
export function englishDecision(rows: readonly Labelled[], guesses: readonly Guess[], minChars = 200): DecisionReport {
  let total = 0;
  let correct = 0;
  const errors: DecisionReport['errors'] = [];
  rows.forEach((d, i) => {
    if (d.lang === 'und' || d.text.length < minChars) return;
    total++;
    const p = guesses[i].language;
    if ((p === 'en') === (d.lang === 'en')) correct++;
    else errors.push({ lang: d.lang, predicted: p, text: d.text.slice(0, 120) });
  });
  return { total, correct, accuracy: total ? correct / total : 0, errors };
}
