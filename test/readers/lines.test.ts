import { describe, expect, it } from 'vitest';
import { splitLines } from '../../pipeline/readers/lines.js';
import { collect } from '../helpers/context.js';

async function* chunks(...parts: string[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

describe('splitLines', () => {
  it('joins lines that span chunks and reports line numbers and byte offsets', async () => {
    const out = await collect(splitLines(chunks('ab', 'c\nde', 'f\n\ng', 'h'), 100));
    expect(out.map((l) => [l.bytes?.toString(), l.lineNo, l.offset, l.length])).toEqual([
      ['abc', 1, 0, 3],
      ['def', 2, 4, 3],
      ['', 3, 8, 0],
      ['gh', 4, 9, 2],
    ]);
  });

  it('gives a line over the limit as null with its full length, spanning chunks or not', async () => {
    const out = await collect(splitLines(chunks('short\n', '0123456', '789abc\nx\n', '0123456789\n'), 8));
    expect(out.map((l) => [l.bytes?.toString() ?? null, l.length])).toEqual([
      ['short', 5],
      [null, 13],
      ['x', 1],
      [null, 10],
    ]);
  });
});
