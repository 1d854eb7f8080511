import { describe, it, expect } from 'vitest';
import { finewebQuality, finewebStats, finewebQualitySchema } from '../../pipeline/filters/fineweb-quality.js';
import { verdictOf } from './run-stage.js';
import { ARTICLE, RECIPE } from './texts.js';

const DEFAULTS = finewebQualitySchema.parse({});

describe('fineweb_quality', () => {
  it('computes the statistics a person counts by hand', () => {
    // 4 non-blank lines (the blank one is ignored): 2 end in punctuation, 2 have ≤ 30 characters.
    const text = 'A short line.\n\nThis line is long enough to not be short\nTiny\nAnother rather long line that ends here!';
    const s = finewebStats(text, DEFAULTS);
    expect(s.lines).toBe(4);
    expect(s.linePunctRatio).toBe(0.5);
    expect(s.shortLineRatio).toBe(0.5);
    expect(s.charDupRatio).toBe(0);
    // 4 newlines over the tokens: A short line . This line is long enough to not be short Tiny Another rather long line that ends here ! = 22.
    expect(s.newLineRatio).toBe(4 / 22);
  });

  it("counts as terminal punctuation datatrove's marks only: not a closing quote, not …", () => {
    const text = ['He said "stop."', 'She said "go"', "It's 'fine'", 'And then…', 'Really?', '終わり。', 'Done!'].join('\n');
    // Lines 5 (?), 6 (。) and 7 (!) end in one of them; 1 to 4 end in a quote or an ellipsis.
    expect(finewebStats(text, DEFAULTS).linePunctRatio).toBe(3 / 7);
  });

  it('keeps real prose', async () => {
    expect(await verdictOf(finewebQuality, {}, ARTICLE)).toBe(true);
    expect(await verdictOf(finewebQuality, {}, RECIPE)).toBe(true);
  });

  it('drops fewer than 12 % of lines ending in punctuation', async () => {
    const heads = (punct: number) =>
      Array.from({ length: 10 }, (_, i) => `Section ${i} of the guide to the old town market` + (i < punct ? '.' : '')).join('\n');
    expect(await verdictOf(finewebQuality, {}, heads(2))).toBe(true);
    expect(finewebStats(heads(1), DEFAULTS).linePunctRatio).toBe(0.1);
    expect(await verdictOf(finewebQuality, {}, heads(1))).toBe('fineweb_quality:line_punct_ratio');
    expect(await verdictOf(finewebQuality, { linePunctThr: 0.05 }, heads(1))).toBe(true);
  });

  it('drops more than 67 % short lines and keeps exactly two of three', async () => {
    const long = 'This sentence is comfortably longer than thirty characters.';
    expect(await verdictOf(finewebQuality, {}, ['Short one.', 'Short two.', long].join('\n'))).toBe(true);
    expect(await verdictOf(finewebQuality, {}, ['Short one.', 'Short two.', 'Short three.', long].join('\n'))).toBe('fineweb_quality:short_line_ratio');
  });

  it('drops when duplicated lines exceed 1 % of the characters', async () => {
    const prose = ARTICLE + '\n' + RECIPE; // 4 + 1 + 3 newlines
    const once = prose + '\nRead more.\nRead more.';
    const nonNewline = once.length - 10;
    expect(10 / nonNewline).toBeLessThan(0.01);
    expect(20 / (nonNewline + 10)).toBeGreaterThan(0.01);
    expect(finewebStats(once, DEFAULTS).charDupRatio).toBe(10 / nonNewline);
    expect(await verdictOf(finewebQuality, {}, once)).toBe(true);
    const twice = once + '\nRead more.';
    expect(await verdictOf(finewebQuality, {}, twice)).toBe('fineweb_quality:char_dup_ratio');
  });

  it('drops lists with more than 0.3 newlines per token', async () => {
    // Each line is one long word and a full stop: 2 tokens, 1 newline.
    const list = Array.from({ length: 20 }, (_, i) => `pneumonoultramicroscopicsilicovolcanoconiosis${String.fromCharCode(97 + i)}.`).join('\n');
    expect(finewebStats(list, DEFAULTS).newLineRatio).toBe(19 / 40);
    expect(await verdictOf(finewebQuality, {}, list)).toBe('fineweb_quality:list_ratio');
  });

  it('drops a document with no non-blank line', async () => {
    expect(await verdictOf(finewebQuality, {}, '\n \n\t\n')).toBe('fineweb_quality:empty');
  });
});
