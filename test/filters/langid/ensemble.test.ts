import { describe, it, expect, beforeAll } from 'vitest';
import { ensembleDetector } from '../../../pipeline/filters/langid/ensemble.js';
import { ELD_OVERRIDES } from '../../../pipeline/filters/langid/ensemble-table.js';
import { fitOverrides, MIN_ROWS } from '../../../pipeline/filters/langid/ensemble-fit.js';
import { loadFastTextDetector } from '../../../pipeline/filters/langid/fasttext-detector.js';
import { loadEldDetector } from '../../../pipeline/filters/langid/eld-detector.js';
import { prepareText, type LanguageDetector } from '../../../pipeline/filters/langid/detector.js';
import type { Labelled } from '../../../pipeline/filters/langid/dev-sets.js';

// Real text where the two detectors disagree: Slovak that lid.176 takes for Czech, ELD for Slovak.
const SLOVAK = prepareText('Všetci ľudia sa rodia slobodní a sebe rovní, čo sa týka ich dôstojnosti a práv. Sú obdarení rozumom a majú spolu jednať v duchu bratstva.', null);

describe('the ensemble', () => {
  let ft: LanguageDetector;
  let eld: LanguageDetector;
  beforeAll(async () => {
    ft = await loadFastTextDetector();
    eld = await loadEldDetector('medium');
  });

  it("answers with ELD for a pair in its table, scored with lid.176's probability of either answer", () => {
    const a = ft.detect(SLOVAK, 0.01);
    const b = eld.detect(SLOVAK);
    expect([a.language, b.language]).toEqual(['cs', 'sk']);
    const d = ensembleDetector(ft, eld, new Set(['cs>sk'])).detect(SLOVAK);
    expect(d.language).toBe('sk');
    expect(d.score).toBeCloseTo(a.score + (a.scores.sk ?? 0), 6);
    expect(d.scores.cs).toBeUndefined(); // ruled out: an allow-list of ['cs'] must not keep it
  });

  it("keeps lid.176's answer for other pairs, at half its probability when ELD knows that language and says another", () => {
    const a = ft.detect(SLOVAK, 0.01);
    const d = ensembleDetector(ft, eld, new Set()).detect(SLOVAK);
    expect(d.language).toBe('cs');
    expect(d.score).toBeCloseTo(a.score / 2, 6);
    const english = prepareText('The committee will meet again next week to discuss the budget for the coming year.', null);
    expect(ensembleDetector(ft, eld).detect(english).score).toBe(ft.detect(english, 0.01).score);
  });

  it('has a committed table of sorted, distinct pairs that each detector can answer', () => {
    const pairs = ELD_OVERRIDES.split(' ').filter(Boolean);
    expect(pairs.length).toBeGreaterThan(20);
    expect([...new Set(pairs)].sort()).toEqual(pairs);
    for (const p of pairs) {
      const [x, y] = p.split('>');
      expect(ft.languages, p).toContain(x);
      expect(eld.languages, p).toContain(y);
    }
    expect(pairs).toContain('cs>sk');
  });

  it('fits a pair only on dev rows, with enough rows and ELD right on at least two more', () => {
    const row = (lang: string, heldOut = false): Labelled => ({ lang, text: '', source: 'udhr', labelSource: 'human', heldOut });
    const g = (language: string) => ({ language, score: 0.5 });
    const rows = [...Array(MIN_ROWS).fill(0).map(() => row('sk')), row('cs'), ...Array(10).fill(0).map(() => row('sk', true)), row('hr'), row('hr')];
    const ftG = [...rows.slice(0, MIN_ROWS + 11).map(() => g('cs')), g('hr'), g('hr')];
    const eldG = [...rows.slice(0, MIN_ROWS + 11).map(() => g('sk')), g('sr'), g('sr')];
    const { overrides, counts } = fitOverrides(rows, ftG, eldG);
    expect(overrides).toEqual(['cs>sk']);
    expect(counts.get('cs>sk')).toEqual({ rows: MIN_ROWS + 1, fastTextRight: 1, eldRight: MIN_ROWS }); // held-out rows not counted
    expect(counts.get('hr>sr')).toEqual({ rows: 2, fastTextRight: 2, eldRight: 0 });
  });
});
