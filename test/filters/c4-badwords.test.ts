import { describe, it, expect } from 'vitest';
import { c4BadWords, badWordMatcher } from '../../pipeline/filters/c4-badwords.js';
import { runStage, doc, verdictOf } from './run-stage.js';
import { ARTICLE } from './texts.js';

describe('c4_badwords', () => {
  it('keeps clean prose', async () => {
    expect(await verdictOf(c4BadWords, {}, ARTICLE)).toBe(true);
  });

  it('drops a listed word only as a whole word', async () => {
    expect(await verdictOf(c4BadWords, {}, ARTICLE + ' Some anal retentive planning went into it.')).toBe('c4_badwords:badwords');
    // "analysis" and "canal" contain a listed word but are not it.
    expect(await verdictOf(c4BadWords, {}, ARTICLE + ' The analysis of the canal was thorough.')).toBe(true);
  });

  it('matches multi-word phrases and entries with symbols', () => {
    const en = badWordMatcher('en')!;
    expect(en.find('They talked about 2 girls 1 cup in the thread.')).toBe('2 girls 1 cup');
    expect(en.find('An article about the g-spot.')).toBe('g-spot');
    expect(en.find('Nothing to see here.')).toBeNull();
  });

  it('uses the list of the document language, substring matching for space-less scripts', async () => {
    const de = badWordMatcher('de')!;
    expect(de).toBeDefined();
    expect(badWordMatcher('zh')!.find('这是一个三级片的例子')).toBe('三级片');
    expect(await verdictOf(c4BadWords, {}, '这是一个三级片的例子', { language: 'zh' })).toBe('c4_badwords:badwords');
    // The English word is not in the Chinese list.
    expect(await verdictOf(c4BadWords, {}, 'an anal example', { language: 'zh' })).toBe(true);
  });

  it('keeps and counts documents of a language without a list, or drops them when asked', async () => {
    const r = await runStage(c4BadWords, {}, [doc('Kjo është një fjali.', { language: 'sq' })]);
    expect(r.kept).toHaveLength(1);
    expect(r.stats.stats.stages.c4_badwords.counters['no_list:sq']).toBe(1);
    expect(await verdictOf(c4BadWords, { failOnMissingLanguage: true }, 'Kjo është një fjali.', { language: 'sq' })).toBe('c4_badwords:missing_language_list');
  });

  it('keeps a seeded fraction of documents with bad words', async () => {
    const docs = Array.from({ length: 200 }, (_, i) => doc(`Document ${i} mentions anal things.`, {}, `d${i}`));
    const a = await runStage(c4BadWords, { keepFraction: 0.25 }, docs.map((d) => ({ ...d, meta: {} })));
    const b = await runStage(c4BadWords, { keepFraction: 0.25 }, docs.map((d) => ({ ...d, meta: {} })));
    expect(a.kept.length).toBeGreaterThan(30);
    expect(a.kept.length).toBeLessThan(70);
    expect(b.kept.map((d) => d.id)).toEqual(a.kept.map((d) => d.id));
  });

  it('rejects an unknown default language at configuration time', () => {
    expect(() => c4BadWords.create(c4BadWords.schema.parse({ defaultLanguage: 'xx' }), { runDir: '.', stageName: 'c4_badwords', configDir: '.', seed: 1 })).toThrow(/known: .*en/);
  });
});
