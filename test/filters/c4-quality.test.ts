import { describe, it, expect } from 'vitest';
import { c4Quality, c4Clean, c4QualitySchema } from '../../pipeline/filters/c4-quality.js';
import { computeTextStats, restrictTextStats, textStats, cachedTextStats, type TextStats } from '../../pipeline/filters/text-stats.js';
import { runStage, doc, verdictOf } from './run-stage.js';
import { ARTICLE } from './texts.js';

const DEFAULTS = c4QualitySchema.parse({});

describe('c4_quality', () => {
  it("counts each kept line's sentences as datatrove's sentence splitter does (abbreviations are not ends)", () => {
    const lines = ['One here. Two here! Three? And a fourth', 'Version 2.5 is out.', 'Mr. Smith went to Washington. He came back.'];
    expect(c4Clean(lines.join('\n'), { ...DEFAULTS, filterNoTerminalPunct: false, minNumSentences: 1 }).sentences).toBe(4 + 1 + 2);
  });

  it("checks lorem ipsum and '{' inside the line loop, in datatrove's order", async () => {
    // A '{' in a line the javascript rule removes first does not drop the document; in a policy line it does.
    expect(await verdictOf(c4Quality, {}, ARTICLE + '\nEnable javascript: function go() { run(); } for this page.')).toBe(true);
    expect(await verdictOf(c4Quality, {}, ARTICLE + '\nThis site uses cookies { see our notice } to work well.')).toBe('c4_quality:curly_bracket');
    // Neither counts in a line an earlier rule removed (here: no terminal punctuation).
    expect(await verdictOf(c4Quality, {}, ARTICLE + '\nLorem ipsum dolor sit amet')).toBe(true);
    expect(await verdictOf(c4Quality, { filterNoTerminalPunct: false }, ARTICLE + '\nLorem ipsum dolor sit amet')).toBe('c4_quality:lorem_ipsum');
    // They drop the document as soon as they are met, before the sentence count: five sentences are not needed.
    expect(await verdictOf(c4Quality, {}, 'The code is { here } and it runs.')).toBe('c4_quality:curly_bracket');
  });

  it('keeps real prose unchanged', async () => {
    const r = await runStage(c4Quality, {}, [doc(ARTICLE)]);
    expect(r.kept).toHaveLength(1);
    expect(r.kept[0].text).toBe(ARTICLE);
  });

  it('removes navigation, short, javascript, policy and over-long-word lines, and citation markers', () => {
    const text = [
      'Home | News | Contact',
      'The council met on Tuesday to discuss the new budget for the schools.[1]',
      'Please enable JavaScript to view the comments below.',
      'This site uses cookies to improve your experience, as the policy explains.',
      'Read more.',
      'x'.repeat(1001) + ' is not a word anyone would write.',
      ARTICLE,
    ].join('\n');
    const r = c4Clean(text, DEFAULTS);
    expect(r.removed).toEqual({ no_terminal_punct: 1, javascript: 1, policy: 1, too_few_words: 1, too_long_word: 1 });
    expect(r.text).toBe('The council met on Tuesday to discuss the new budget for the schools.\n' + ARTICLE);
    expect(r.fail).toBeUndefined();
  });

  it('keeps lines without terminal punctuation when that rule is off (FineWeb)', () => {
    const r = c4Clean('A heading without a full stop\n' + ARTICLE, { ...DEFAULTS, filterNoTerminalPunct: false });
    expect(r.text.startsWith('A heading without a full stop\n')).toBe(true);
  });

  it('drops documents with fewer than 5 sentences and keeps one with exactly 5', async () => {
    const five = 'The first sentence is here. The second one follows it. A third comes next. Then a fourth one. Finally the fifth.';
    expect(c4Clean(five, DEFAULTS).sentences).toBe(5);
    expect(await verdictOf(c4Quality, {}, five)).toBe(true);
    expect(await verdictOf(c4Quality, {}, five.replace(' Finally the fifth.', ''))).toBe('c4_quality:too_few_sentences');
  });

  it('drops lorem ipsum and curly braces', async () => {
    expect(await verdictOf(c4Quality, {}, ARTICLE + '\nLorem ipsum dolor sit amet, consectetur adipiscing elit.')).toBe('c4_quality:lorem_ipsum');
    expect(await verdictOf(c4Quality, {}, ARTICLE + '\nThe function returns { ok: true } when it succeeds.')).toBe('c4_quality:curly_bracket');
    expect(await verdictOf(c4Quality, { filterCurlyBracket: false }, ARTICLE + '\nThe function returns { ok: true } when it succeeds.')).toBe(true);
  });

  it('counts removed lines per rule in the stage stats', async () => {
    const r = await runStage(c4Quality, {}, [doc('Menu\nLogin\n' + ARTICLE)]);
    expect(r.stats.stats.stages.c4_quality.counters['lines_removed:no_terminal_punct']).toBe(2);
  });
});

describe('c4_quality hands its cleaned text tokens on', () => {
  const text = [
    '  Menu  ',
    'The council met on Tuesday[1] to discuss the new budget for the schools.',
    '',
    '\tThe mayor said the vote[edit] would come in March, after a public hearing.\r',
    'Read more',
    '東京都の予算は[2]来年度に増える見込みです、と知事は述べた。 See the report.',
    'Contact: 2024 — all rights reserved [citation needed] by the authors of this page.',
  ].join('\n');
  const OPTIONS = [{}, { filterNoTerminalPunct: false }, { splitParagraph: false }, { minWordsPerLine: null, filterNoTerminalPunct: false }].map((o) => ({ ...o, minNumSentences: null }));

  it('derives the tokens of the kept lines from those of the input, as tokenizing the output would', () => {
    for (const opts of OPTIONS) {
      const r = c4Clean(text, c4QualitySchema.parse(opts));
      const derived = restrictTextStats(computeTextStats(text), r.text, r.pieces);
      const direct = computeTextStats(r.text);
      expect(derived.tokens.n).toBeGreaterThan(10);
      expect(tokenTriples(derived)).toEqual(tokenTriples(direct));
      expect([derived.words, derived.alphaTokens, derived.wordChars]).toEqual([direct.words, direct.alphaTokens, direct.wordChars]);
    }
  });

  it('counts the kept lines\' tokens line by line when no statistics were at hand, as tokenizing the output would', () => {
    const r = c4Clean(text, c4QualitySchema.parse({ filterNoTerminalPunct: false, minNumSentences: 1 }));
    const direct = computeTextStats(r.text);
    expect(direct.tokens.n).toBeGreaterThan(10);
    expect(Array.from({ length: r.tokens!.n }, (_, k) => [r.tokens!.start[k], r.tokens!.end[k], r.tokens!.flags[k]])).toEqual(tokenTriples(direct));
    // The same sentences either way.
    expect(r.sentences).toBe(c4Clean(text, c4QualitySchema.parse({ filterNoTerminalPunct: false, minNumSentences: 1 }), computeTextStats(text)).sentences);
  });

  it('leaves the derived statistics to the next filter in the chain', async () => {
    const d = doc(text);
    textStats(d); // what gopher_quality computed before C4
    const r = await runStage(c4Quality, { filterNoTerminalPunct: false }, [d]);
    expect(r.kept).toHaveLength(1);
    expect(cachedTextStats(r.kept[0])).toBeDefined();
    expect(tokenTriples(textStats(r.kept[0]))).toEqual(tokenTriples(computeTextStats(r.kept[0].text)));
  });
});

function tokenTriples(s: TextStats): number[][] {
  return Array.from({ length: s.tokens.n }, (_, k) => [s.tokens.start[k], s.tokens.end[k], s.tokens.flags[k]]);
}
