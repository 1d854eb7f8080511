import { describe, it, expect } from 'vitest';
import { RangeDuplicates } from '../../pipeline/filters/hash-table.js';
import { findDuplicates } from '../../pipeline/filters/text-stats.js';
import { repetitionStats } from '../../pipeline/filters/gopher-repetition.js';
import { finewebStats, finewebQualitySchema } from '../../pipeline/filters/fineweb-quality.js';
import { Rng } from '../../lib/rng.js';

/** Duplicates among the '\n'-separated pieces of `text`, counted over ranges. */
function rangeDuplicates(text: string): { elements: number; chars: number } {
  const d = new RangeDuplicates();
  d.reset();
  let a = 0;
  for (let b = text.indexOf('\n'); b !== -1; b = text.indexOf('\n', a)) {
    d.add(a, b);
    a = b + 1;
  }
  d.add(a, text.length);
  d.count(text);
  return { elements: d.elements, chars: d.chars };
}

describe('RangeDuplicates', () => {
  it('counts duplicates after the first occurrence, as a Set of the strings does', () => {
    expect(rangeDuplicates('a\nbb\na\nbb\na')).toEqual({ elements: 3, chars: 4 });
    // Empty lines are equal to each other; equal length and ends alone do not make a duplicate.
    expect(rangeDuplicates('\nabXcd\n\nabYcd\nabXcd')).toEqual({ elements: 2, chars: 5 });
  });

  it('agrees with the Set on line soups full of look-alikes (same length, same first, middle and last character)', () => {
    const rng = new Rng('range-duplicates');
    const pieces = ['a', 'b', 'ab', 'ba', '', ' ', 'axa', 'aya', 'abxba', 'abyba', 'x y', '\t', '中文', '中国'];
    for (let t = 0; t < 500; t++) {
      const lines = Array.from({ length: rng.int(1, 60) }, () => pieces[rng.int(0, pieces.length)]);
      const text = lines.join('\n');
      expect(rangeDuplicates(text)).toEqual(findDuplicates(lines));
    }
  });

  it('gives the paragraph, line and FineWeb fractions a person counts by hand', () => {
    // Lines of split(/\n+/): "x y", "x y", "  ", "x y", "z" → 2 duplicates of 3 characters.
    const text = 'x y\nx y\n\n  \n\nx y\nz';
    const s = repetitionStats(text);
    expect(s.dupLineFrac).toBe(2 / 5);
    expect(s.dupLineCharFrac).toBe(6 / text.length);
    // Paragraphs of trim().split(/\n{2,}/): "x y\nx y", "  ", "x y\nz" → none repeats.
    expect(s.dupParaFrac).toBe(0);
    // FineWeb: non-blank lines "x y", "x y", "x y", "z" → 6 duplicated characters over the non-newline ones.
    expect(finewebStats(text, finewebQualitySchema.parse({})).charDupRatio).toBe(6 / (text.length - 6));
  });
});
