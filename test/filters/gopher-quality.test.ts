import { describe, it, expect } from 'vitest';
import { gopherQuality, gopherQualityStats, gopherQualitySchema } from '../../pipeline/filters/gopher-quality.js';
import { verdictOf } from './run-stage.js';
import { ARTICLE, RECIPE } from './texts.js';

const STOP = new Set(gopherQualitySchema.parse({}).stopWords);
const firstWords = (n: number) => ARTICLE.split(/\s+/).slice(0, n).join(' ');
// Twelve-word sentences with two stop words each, for line-based rules.
const SENTENCE = 'the river runs past the old mill and then turns toward town';

describe('gopher_quality', () => {
  it('computes the statistics a person counts by hand', () => {
    // Tokens: The cat sat on the mat . It was happy ! → 11 tokens, 9 words of 27 letters.
    const s = gopherQualityStats('The cat sat on the mat. It was happy!', STOP);
    expect(s.tokens).toBe(11);
    expect(s.words).toBe(9);
    expect(s.meanWordLength).toBe(27 / 9);
    expect(s.alphaWordsRatio).toBe(9 / 11);
    expect(s.stopWords).toBe(1); // "the" twice is one distinct stop word
    // Tokens: # one # two three → 5 tokens, 2 hashes.
    expect(gopherQualityStats('#one #two three', STOP).hashRatio).toBe(2 / 5);
    // Lines: 2 of 4 start with a bullet, 1 of 4 ends with an ellipsis.
    const lines = gopherQualityStats('• first\n  - second\nthird…\nfourth', STOP);
    expect(lines.bulletLinesRatio).toBe(0.5);
    expect(lines.ellipsisLinesRatio).toBe(0.25);
  });

  it('counts distinct stop words case-sensitively, and only whole tokens, as datatrove', () => {
    // Only "and": THE, The and WITH differ in case from the stop words; "There" and "bed" are other words.
    expect(gopherQualityStats('THE cat and The dog WITH There bed ÀND', STOP).stopWords).toBe(1);
    expect(gopherQualityStats('the cat and the dog with', STOP).stopWords).toBe(3);
    expect(gopherQualityStats('für die Straße', new Set(['für', 'straße'])).stopWords).toBe(1);
  });

  it('drops for too few stop words only after every earlier rule passed', async () => {
    const noStop = Array.from({ length: 60 }, (_, i) => ['river', 'mill', 'town', 'stone', 'bridge'][i % 5]).join(' ');
    expect(await verdictOf(gopherQuality, {}, noStop)).toBe('gopher_quality:stop_words');
    expect(await verdictOf(gopherQuality, { minStopWords: 0 }, noStop)).toBe(true);
    // Two stop words are enough, however often they occur.
    expect(await verdictOf(gopherQuality, {}, noStop + ' the and the and')).toBe(true);
  });

  it('keeps real prose', async () => {
    expect(await verdictOf(gopherQuality, {}, ARTICLE)).toBe(true);
    expect(await verdictOf(gopherQuality, {}, RECIPE)).toBe(true);
  });

  it('drops a document below 50 words and keeps one at exactly 50', async () => {
    expect(await verdictOf(gopherQuality, {}, firstWords(50))).toBe(true);
    expect(await verdictOf(gopherQuality, {}, firstWords(49))).toBe('gopher_quality:too_few_words');
  });

  it('drops a document above maxWords', async () => {
    expect(await verdictOf(gopherQuality, { maxWords: 60 }, firstWords(60))).toBe(true);
    expect(await verdictOf(gopherQuality, { maxWords: 60 }, firstWords(61))).toBe('gopher_quality:too_many_words');
  });

  it('drops a mean word length below 3, and not at exactly 3', async () => {
    // 60 × "cat": mean 3.0 passes the length rule (and then fails on stop words).
    expect(await verdictOf(gopherQuality, {}, Array(60).fill('cat').join(' '))).toBe('gopher_quality:stop_words');
    // 59 × "cat" + "at": mean (177 + 2) / 60 = 2.98.
    expect(await verdictOf(gopherQuality, {}, [...Array(59).fill('cat'), 'at'].join(' '))).toBe('gopher_quality:mean_word_length');
  });

  it('drops a mean word length above 10', async () => {
    // 3 + 20 + 3 + 18 + 15 letters over 5 words: mean 11.8.
    const long = 'the internationalization and telecommunications infrastructures '.repeat(12);
    expect(await verdictOf(gopherQuality, {}, long)).toBe('gopher_quality:mean_word_length');
  });

  it('drops too many hashes or ellipses for the number of tokens', async () => {
    // ARTICLE: 151 words and 12 commas/periods = 163 tokens. Each tag adds 2 tokens ('#', word):
    // 20 tags: 20 / 203 = 0.0985 passes; 21 tags: 21 / 205 = 0.1024 fails.
    const base = gopherQualityStats(ARTICLE, STOP).tokens;
    expect(base).toBe(163);
    const tags = (n: number) => ARTICLE + '\n' + Array.from({ length: n }, (_, i) => `#tag${i}`).join(' ');
    expect(gopherQualityStats(tags(20), STOP).hashRatio).toBeCloseTo(20 / 203, 12);
    expect(await verdictOf(gopherQuality, {}, tags(20))).toBe(true);
    expect(await verdictOf(gopherQuality, {}, tags(21))).toBe('gopher_quality:hash_ratio');
    // 25 ellipses among 163 + 50 + 3 tokens = 0.116; the line itself does not end in one.
    const dots = ARTICLE + '\n' + 'wait… '.repeat(25) + 'the end.';
    expect(await verdictOf(gopherQuality, {}, dots)).toBe('gopher_quality:ellipsis_ratio');
  });

  it('drops more than 90 % bullet lines, keeps exactly 90 %', async () => {
    const list = (bullets: number) => Array.from({ length: 10 }, (_, i) => (i < bullets ? '- ' : '') + SENTENCE + '.').join('\n');
    expect(await verdictOf(gopherQuality, {}, list(9))).toBe(true);
    expect(await verdictOf(gopherQuality, {}, list(10))).toBe('gopher_quality:bullet_lines');
  });

  it('drops more than 30 % of lines ending in an ellipsis, keeps exactly 30 %', async () => {
    const lines = (n: number) => Array.from({ length: 10 }, (_, i) => SENTENCE + (i < n ? '...' : '.')).join('\n');
    expect(await verdictOf(gopherQuality, {}, lines(3))).toBe(true);
    expect(await verdictOf(gopherQuality, {}, lines(4))).toBe('gopher_quality:ellipsis_lines');
  });

  it('drops documents where fewer than 80 % of tokens hold a letter', async () => {
    // 50 words + 12 numbers → 50 / 62 = 0.806 passes; + 13 → 50 / 63 = 0.794 fails.
    const nums = (n: number) => firstWords(50).replace(/[.,]/g, '') + ' ' + Array.from({ length: n }, (_, i) => String(1990 + i)).join(' ');
    expect(gopherQualityStats(nums(12), STOP).alphaWordsRatio).toBeCloseTo(50 / 62, 12);
    expect(await verdictOf(gopherQuality, {}, nums(12))).toBe(true);
    expect(await verdictOf(gopherQuality, {}, nums(13))).toBe('gopher_quality:alpha_words');
  });

  it('needs two distinct stop words', async () => {
    const words = 'rain fell across northern valleys during early spring while farmers waited patiently'.split(' ');
    const text = (extra: string) => Array.from({ length: 60 }, (_, i) => words[i % words.length]).join(' ') + extra;
    expect(await verdictOf(gopherQuality, {}, text(' the the'))).toBe('gopher_quality:stop_words');
    expect(await verdictOf(gopherQuality, {}, text(' the and'))).toBe(true);
  });

  it('switches a rule off with null and changes a threshold', async () => {
    expect(await verdictOf(gopherQuality, { minWords: null }, firstWords(49))).toBe(true);
    expect(await verdictOf(gopherQuality, { minWords: 40 }, firstWords(45))).toBe(true);
  });
});
