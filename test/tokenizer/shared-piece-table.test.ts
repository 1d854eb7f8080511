import { afterAll, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { get_encoding } from 'tiktoken';
import { SharedPieceTable } from '../../tokenizer/shared-piece-table.js';
import { PieceCacheEncoder } from '../../tokenizer/piece-cache.js';
import { builtinRanks } from '../../tokenizer/mergeable-ranks.js';
import { BUILTINS } from '../../tokenizer/builtin.js';

const ranks = () => builtinRanks('cl100k_base');
const cl100k = get_encoding('cl100k_base');
afterAll(() => cl100k.free());

const TEXT =
  'The jury said that the election was conducted well. Ünïcödé, 中文分词, emoji 🎉🎉 and 12345678 digits;\n' +
  '  indented   lines\r\n\tand tabs — plus a rare-ish word: antidisestablishmentarianism.';

/** tiktoken behind a counter, to see which pieces reach the BPE. */
function countingCore() {
  const calls: string[] = [];
  return { calls, encode_ordinary: (piece: string) => (calls.push(piece), cl100k.encode_ordinary(piece)) };
}

describe('SharedPieceTable', () => {
  it('gives back the ids stored for a piece, one id as a number and several as an array', () => {
    const table = new SharedPieceTable(SharedPieceTable.allocate('cl100k_base'), 'cl100k_base');
    table.set(' the', 279);
    table.set(' antidisestablishmentarianism', Uint32Array.from([7, 100255, 3, 0]));
    table.set('🎉', Uint32Array.from([199997, 1, 2]));
    expect(table.get(' the')).toBe(279);
    expect(Array.from(table.get(' antidisestablishmentarianism') as Uint32Array)).toEqual([7, 100255, 3, 0]);
    expect(Array.from(table.get('🎉') as Uint32Array)).toEqual([199997, 1, 2]);
    expect(table.get(' The')).toBeUndefined();
    expect(table.size).toBe(3);
  });

  it('keeps every piece apart when they crowd into a small table (probing past taken slots)', () => {
    const table = new SharedPieceTable(SharedPieceTable.allocate('k', { maxEntries: 1000, arenaWords: 1 << 16 }), 'k');
    const pieces = Array.from({ length: 1000 }, (_, i) => ` w${i}`);
    pieces.forEach((p, i) => table.set(p, i));
    pieces.forEach((p) => table.set(p, 99999)); // storing again changes nothing
    expect(pieces.map((p) => table.get(p))).toEqual(pieces.map((_, i) => i));
    expect(table.size).toBe(1000);
  });

  it('stops growing at its entry budget and when its arena is spent, and still answers what it holds', () => {
    const byCount = new SharedPieceTable(SharedPieceTable.allocate('k', { maxEntries: 10 }), 'k');
    for (let i = 0; i < 20; i++) byCount.set(`p${i}`, i);
    expect(byCount.size).toBe(10);
    expect(byCount.get('p9')).toBe(9);
    expect(byCount.get('p10')).toBeUndefined();

    // 16 words: an entry of a 4-char piece with one id takes 2 + 1 + 2 = 5 words, after the unused word 0.
    const byArena = new SharedPieceTable(SharedPieceTable.allocate('k', { maxEntries: 100, arenaWords: 16 }), 'k');
    for (let i = 0; i < 5; i++) byArena.set(`abc${i}`, i);
    expect(byArena.size).toBe(3);
    expect([0, 1, 2, 3].map((i) => byArena.get(`abc${i}`))).toEqual([0, 1, 2, undefined]);
  });

  it('refuses memory made for another encoding, and memory that is no table', () => {
    expect(() => new SharedPieceTable(SharedPieceTable.allocate('cl100k_base'), 'gpt2')).toThrow(/another encoding than 'gpt2'/);
    expect(() => new SharedPieceTable(new SharedArrayBuffer(1024), 'gpt2')).toThrow(/not a shared piece table/);
  });

  it('lets a second encoder skip the BPE for every piece the first one merged, with the same ids', () => {
    const buffer = SharedPieceTable.allocate('cl100k_base');
    const first = countingCore();
    const second = countingCore();
    const pattern = BUILTINS.cl100k_base.pattern;
    const a = new PieceCacheEncoder(first, ranks, pattern, { shared: new SharedPieceTable(buffer, 'cl100k_base') });
    const b = new PieceCacheEncoder(second, ranks, pattern, { shared: new SharedPieceTable(buffer, 'cl100k_base') });
    const expected = Array.from(cl100k.encode_ordinary(TEXT));
    expect(Array.from(a.encode(TEXT))).toEqual(expected);
    expect(first.calls.length).toBeGreaterThan(20);
    expect(Array.from(b.encode(TEXT))).toEqual(expected);
    expect(second.calls).toEqual([]);
  });

  it('holds the right ids when two threads store the same and different pieces at once', async () => {
    const buffer = SharedPieceTable.allocate('k', { maxEntries: 1 << 14, arenaWords: 1 << 18 });
    // The worker runs the compiled module (make test builds dist/ first).
    const moduleUrl = new URL('../../dist/tokenizer/shared-piece-table.js', import.meta.url);
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(${JSON.stringify(moduleUrl.href)}).then(({ SharedPieceTable }) => {
        const t = new SharedPieceTable(workerData.buffer, 'k');
        const ids = (i) => (i % 3 === 0 ? i : Uint32Array.from([i, i + 1, i + 2]));
        // both threads store the common pieces, each also its own
        for (let i = 0; i < 5000; i++) { t.set('common ' + i, ids(i)); t.set(workerData.name + ' ' + i, ids(i)); }
        parentPort.postMessage('done');
      });`;
    const run = (name: string) =>
      new Promise<void>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { buffer, name } });
        w.once('message', () => resolve());
        w.once('error', reject);
      });
    expect(fileURLToPath(moduleUrl)).toMatch(/dist\/tokenizer\/shared-piece-table\.js$/);
    await Promise.all([run('left'), run('right')]);
    const table = new SharedPieceTable(buffer, 'k');
    expect(table.size).toBe(15000);
    const plain = (v: number | Uint32Array | undefined) => (typeof v === 'number' ? v : Array.from(v ?? []));
    for (const prefix of ['common', 'left', 'right']) {
      for (let i = 0; i < 5000; i++) expect(plain(table.get(`${prefix} ${i}`))).toEqual(i % 3 === 0 ? i : [i, i + 1, i + 2]);
    }
  });
});
