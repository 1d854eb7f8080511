import { describe, it, expect } from 'vitest';
import { gopherRepetition, repetitionStats, topNGramChars, duplicatedNGramChars, NGrams } from '../../pipeline/filters/gopher-repetition.js';
import { computeTextStats } from '../../pipeline/filters/text-stats.js';
import { verdictOf } from './run-stage.js';
import { ARTICLE, RECIPE } from './texts.js';

const LINES = ARTICLE.split('\n');
const SENTENCE = 'the river runs past the old mill and then turns toward town.';

describe('gopher_repetition', () => {
  it('computes the fractions a person counts by hand', () => {
    const text = 'alpha beta\n\ngamma delta\n\nalpha beta'; // 10 + 2 + 11 + 2 + 10 = 35 characters
    const s = repetitionStats(text);
    expect(s.dupParaFrac).toBe(1 / 3);
    expect(s.dupParaCharFrac).toBe(10 / 35);
    expect(s.dupLineFrac).toBe(1 / 3);
    expect(s.dupLineCharFrac).toBe(10 / 35);
    // 2-grams: "alpha beta" twice (10 characters joined by a space) → 20 / 35.
    expect(s.topNGram[2]).toBe(20 / 35);
    expect(s.dupNGram[5]).toBe(0);
  });

  it('counts duplicated n-gram characters once where repeats overlap', () => {
    // a b a b a b, n = 2: "ab" new, "ba" new, "ab" repeat (+2, jump 2), "ab" repeat (+2) → 4.
    const stats = computeTextStats('a b a b a b');
    expect(duplicatedNGramChars(new NGrams(stats), 2)).toBe(4);
    // Most frequent 2-gram "a b" appears 3 times, 3 characters each.
    expect(topNGramChars(new NGrams(stats), 2)).toBe(9);
    // Growing the same walk from 2 to 3: "a b a" twice and "b a b" twice; the first seen wins → 2 × 5.
    const g = new NGrams(stats);
    topNGramChars(g, 2);
    expect(topNGramChars(g, 3)).toBe(10);
  });

  it('breaks ties for the most frequent n-gram by first appearance, not by which reaches the count first', () => {
    // 2-grams "aa b" (positions 0 and 6) and "c d" (positions 2 and 4) both occur twice; "c d" gets there
    // first, but Counter.most_common returns the first inserted: 2 × "aa b" = 8 characters, not 2 × 3.
    const stats = computeTextStats('aa b c d c d aa b');
    expect(topNGramChars(new NGrams(stats), 2)).toBe(8);
    // Duplicated 3-grams, scanning left to right: none repeats before "aa b" ends the text → 0; 2-grams: the
    // repeat of "c d" at 4 (2 characters) and of "aa b" at 6 (3 characters) → 5.
    expect(duplicatedNGramChars(new NGrams(stats), 3)).toBe(0);
    expect(duplicatedNGramChars(new NGrams(stats), 2)).toBe(5);
  });

  it('gives the same n-gram figures with and without pruning of unique positions', () => {
    const texts = [
      ARTICLE,
      ARTICLE + '\n' + SENTENCE.repeat(4) + ' ' + LINES[1] + ' ' + LINES[1].slice(0, 80),
      Array.from({ length: 300 }, (_, i) => ['buy', 'now', 'cheap', 'deals', 'today'][(i * 7) % 5]).join(' '),
      'a b a b a b c a b a b a b c d',
    ];
    for (const text of texts) {
      const stats = computeTextStats(text);
      const pruned = new NGrams(stats);
      const full = new NGrams(stats, false);
      for (let n = 2; n <= 4; n++) expect([n, topNGramChars(pruned, n)]).toEqual([n, topNGramChars(full, n)]);
      for (let n = 5; n <= 10; n++) expect([n, duplicatedNGramChars(pruned, n)]).toEqual([n, duplicatedNGramChars(full, n)]);
    }
  });

  it('keeps real prose', async () => {
    expect(await verdictOf(gopherRepetition, {}, ARTICLE)).toBe(true);
    expect(await verdictOf(gopherRepetition, {}, RECIPE)).toBe(true);
  });

  it('drops more than 30 % duplicate paragraphs', async () => {
    const paras = (n: number) => [...LINES, ...Array(n).fill('Read more.')].join('\n\n');
    expect(repetitionStats(paras(3)).dupParaFrac).toBe(2 / 8);
    expect(await verdictOf(gopherRepetition, {}, paras(3))).toBe(true);
    expect(repetitionStats(paras(4)).dupParaFrac).toBe(3 / 9);
    expect(await verdictOf(gopherRepetition, {}, paras(4))).toBe('gopher_repetition:dup_para_frac');
  });

  it('drops when duplicate paragraphs hold more than 20 % of the characters', async () => {
    const [a, b] = [...LINES].sort((x, y) => y.length - x.length);
    const text = [...LINES, a, b].join('\n\n');
    expect(repetitionStats(text).dupParaFrac).toBe(2 / 7);
    expect(repetitionStats(text).dupParaCharFrac).toBe((a.length + b.length) / text.length);
    expect((a.length + b.length) / text.length).toBeGreaterThan(0.2);
    expect(await verdictOf(gopherRepetition, {}, text)).toBe('gopher_repetition:dup_para_char_frac');
  });

  it('drops more than 30 % duplicate lines', async () => {
    const lines = (n: number) => [...LINES, ...Array(n).fill('Share this page')].join('\n');
    expect(await verdictOf(gopherRepetition, {}, lines(3))).toBe(true);
    expect(repetitionStats(lines(4)).dupLineFrac).toBe(3 / 9);
    expect(await verdictOf(gopherRepetition, {}, lines(4))).toBe('gopher_repetition:dup_line_frac');
  });

  it('drops when the most frequent 2-gram covers more than 20 % of the characters', async () => {
    const text = ARTICLE + '\n' + Array.from({ length: 40 }, (_, i) => `best price ${i}`).join(', ');
    expect(repetitionStats(text).topNGram[2]).toBe((40 * 'best price'.length) / text.length);
    expect(await verdictOf(gopherRepetition, {}, text)).toBe('gopher_repetition:top_2_gram');
    expect(await verdictOf(gopherRepetition, { topNGrams: [[2, 0.5]] }, text)).toBe(true);
  });

  it('drops when duplicated 5-grams cover more than 15 % of the characters', async () => {
    const text = ARTICLE + '\n' + SENTENCE.repeat(6);
    const s = repetitionStats(text);
    expect(s.topNGram[4]).toBeLessThan(0.16);
    expect(s.dupNGram[5]).toBeGreaterThan(0.15);
    expect(await verdictOf(gopherRepetition, {}, text)).toBe('gopher_repetition:dup_5_gram');
    expect(await verdictOf(gopherRepetition, {}, ARTICLE + '\n' + SENTENCE.repeat(2))).toBe(true);
  });
});
