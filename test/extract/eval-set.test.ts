import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { ConfusionMatrix, countItem, evalDir, isHeldOut, loadEvalSet, norm } from '../../pipeline/extract/evaluate.js';
import { extractPage } from '../../pipeline/extract/extractor.js';
import { decodeHtml } from '../../pipeline/readers/charset.js';

describe("trafilatura's scorer (tests/eval_common.py count_item)", () => {
  it('counts with-snippets found as true positives and without-snippets found as false positives, after whitespace normalisation', () => {
    const item = { with: ['the main  text', 'second\nline'], without: ['Impressum', 'Share this'] };
    expect(countItem(item, 'Intro. The main text goes on.\nsecond line here. Share  this')).toEqual({ tp: 1, fp: 1, fn: 1, tn: 1 });
    expect(countItem(item, 'the main text … second line')).toEqual({ tp: 2, fp: 0, fn: 0, tn: 2 });
    // an extractor that fails on the page misses every with-snippet
    expect(countItem(item, null)).toEqual({ tp: 0, fp: 0, fn: 2, tn: 2 });
    expect(norm(' a\u00a0 b\n\tc ')).toBe('a b c');
  });

  it('derives precision, recall and F1 from summed counts', () => {
    const m = new ConfusionMatrix();
    m.add({ tp: 3, fp: 1, fn: 0, tn: 2 });
    m.add({ tp: 1, fp: 0, fn: 2, tn: 3 });
    expect([m.precision, m.recall, m.f1]).toEqual([0.8, 4 / 6, 8 / 11]);
  });

  it('holds out one page in five, by file name', () => {
    const names = Array.from({ length: 2000 }, (_, i) => `page-${i}.html`);
    const held = names.filter(isHeldOut).length;
    expect(held / names.length).toBeGreaterThan(0.17);
    expect(held / names.length).toBeLessThan(0.23);
    expect(isHeldOut('page-7.html')).toBe(isHeldOut('page-7.html'));
  });
});

const dir = evalDir(new URL('../../../shared/data', import.meta.url).pathname);

describe.skipIf(!existsSync(dir))("html_extract on trafilatura's evaluation set", () => {
  it('scores above trafilatura 2.2.0 with fallbacks on every fourth page (it scored 0.9274 on all 949)', () => {
    const { pages, missing } = loadEvalSet(dir);
    expect(pages.length).toBe(949);
    expect(missing).toBe(41);
    const m = new ConfusionMatrix();
    for (const p of pages.filter((_, i) => i % 4 === 0)) {
      const text = extractPage(decodeHtml(readFileSync(p.path)).text, { focus: 'balanced', fast: false, lead: true }).text;
      m.add(countItem(p, text));
    }
    expect(m.pages).toBe(238);
    expect(m.f1).toBeGreaterThan(0.93);
    expect(m.precision).toBeGreaterThan(0.9);
    expect(m.recall).toBeGreaterThan(0.94);
  }, 120_000);
});
