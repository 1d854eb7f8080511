import { describe, it, expect } from 'vitest';
import { c4Paragraph } from '../../pipeline/filters/c4-paragraph.js';
import { verdictOf } from './run-stage.js';
import { ARTICLE } from './texts.js';

describe('c4_paragraph', () => {
  const long = (i: number) => `Paragraph ${i}: ` + 'the committee reviewed every proposal in detail and published its notes. '.repeat(3);

  it('keeps a document with three lines of at least 200 characters', async () => {
    expect(long(1).length).toBeGreaterThanOrEqual(200);
    expect(await verdictOf(c4Paragraph, {}, [long(1), 'Short line.', long(2), long(3)].join('\n'))).toBe(true);
  });

  it('drops one with only two such lines, or with a third just one character short', async () => {
    expect(await verdictOf(c4Paragraph, {}, [long(1), long(2), 'Short line.'].join('\n'))).toBe('c4_paragraph:too_few_paragraphs');
    const edge = 'x'.repeat(199);
    expect(await verdictOf(c4Paragraph, {}, [long(1), long(2), edge].join('\n'))).toBe('c4_paragraph:too_few_paragraphs');
    expect(await verdictOf(c4Paragraph, {}, [long(1), long(2), edge + 'x'].join('\n'))).toBe(true);
  });

  it('drops real prose whose lines are shorter than 200 characters', async () => {
    expect(await verdictOf(c4Paragraph, {}, ARTICLE)).toBe('c4_paragraph:too_few_paragraphs');
    expect(await verdictOf(c4Paragraph, { minParagraphLength: 100 }, ARTICLE)).toBe(true);
  });
});
