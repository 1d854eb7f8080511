import { describe, expect, it } from 'vitest';
import { RowPacker, type PackedRow } from '../../pipeline/mask/pack.js';

const BOS = 1001;
const PAD = 1002;
const EOS = 999;

function doc(n: number, first: number): Uint32Array {
  const d = Uint32Array.from({ length: n }, (_, i) => first + i);
  d[n - 1] = EOS;
  return d;
}

interface Copied {
  tokens: number[];
  used: number;
  segments: { start: number; length: number; bos: boolean; eos: boolean }[];
}

function collect(seqLen: number, docs: Uint32Array[]): Copied[] {
  const rows: Copied[] = [];
  const onRow = (r: PackedRow) =>
    rows.push({
      tokens: Array.from(r.tokens),
      used: r.used,
      segments: Array.from({ length: r.segments }, (_, k) => ({
        start: r.segStart[k],
        length: r.segLength[k],
        bos: r.hasBos[k] === 1,
        eos: r.hasEos[k] === 1,
      })),
    });
  const packer = new RowPacker(seqLen, BOS, PAD);
  for (const d of docs) packer.add(d, 0, d.length, onRow);
  packer.flush(onRow);
  return rows;
}

describe('packing documents into rows', () => {
  it('lays out [BOS] doc [EOS] end to end in rows of exactly seqLen, losing nothing', () => {
    const docs = [doc(30, 0), doc(50, 100), doc(70, 200), doc(25, 300), doc(90, 400)];
    const rows = collect(64, docs);
    expect(rows.every((r) => r.tokens.length === 64)).toBe(true);
    const packed = rows.flatMap((r) => r.tokens.slice(0, r.used));
    const expected = docs.flatMap((d) => [BOS, ...d]);
    expect(packed).toEqual(expected);
    expect(rows.length).toBe(Math.ceil(expected.length / 64));
  });

  it('cuts a document at the row boundary into segments of their own rows', () => {
    // Row 0: [BOS]+40 tokens (41), then [BOS]+the first 22 tokens of a 100-token document.
    const rows = collect(64, [doc(40, 0), doc(100, 1000)]);
    expect(rows[0].segments).toEqual([
      { start: 0, length: 41, bos: true, eos: true },
      { start: 41, length: 23, bos: true, eos: false },
    ]);
    expect(rows[1].segments).toEqual([{ start: 0, length: 64, bos: false, eos: false }]);
    expect(rows[1].tokens[0]).toBe(1022); // continues where row 0 stopped
    expect(rows[2].segments).toEqual([{ start: 0, length: 14, bos: false, eos: true }]);
    expect(rows[2].tokens[13]).toBe(EOS);
  });

  it('pads only the last row with [PAD]', () => {
    const rows = collect(32, [doc(40, 0)]);
    expect(rows.map((r) => r.used)).toEqual([32, 9]);
    expect(rows[1].tokens.slice(9)).toEqual(new Array(23).fill(PAD));
  });

  it('emits nothing for no documents', () => {
    expect(collect(32, [])).toEqual([]);
  });
});
