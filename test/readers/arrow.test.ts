import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { arrowSchema, readArrow } from '../../pipeline/readers/arrow.js';
import { collect, droppedCount, makeTestContext } from '../helpers/context.js';
import { tempDir, writeTemp } from './fixtures.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const table = tableFromArrays({
  text: ['first text', 'second text', 'third text'],
  id: ['a', 'b', 'c'],
  score: new Float64Array([0.5, 0.25, 1]),
  n: new BigInt64Array([1n, 2n, 3n]),
});

describe('the Arrow IPC reader', () => {
  for (const format of ['file', 'stream'] as const) {
    it(`reads the ${format} format batch by batch, ids and other columns into meta`, async () => {
      const p = writeTemp(dir, `t.${format === 'file' ? 'arrow' : 'ipc'}`, tableToIPC(table, format));
      const ctx = makeTestContext();
      const docs = await collect(readArrow({ path: p, fileIndex: 2 }, arrowSchema.parse({}), ctx));
      expect(docs.map((d) => [d.id, d.text, d.position])).toEqual([['a', 'first text', 0], ['b', 'second text', 1], ['c', 'third text', 2]]);
      expect(docs[1].meta).toEqual({ score: 0.25, n: 2 });
      expect(ctx.stats.stats.read).toBe(3);
    });
  }

  it('drops rows whose text is null as read:null_text', async () => {
    const t = tableFromArrays({ body: ['kept', null as unknown as string, 'also kept'] });
    const p = writeTemp(dir, 'nulls.arrow', tableToIPC(t, 'file'));
    const ctx = makeTestContext();
    const docs = await collect(readArrow({ path: p, fileIndex: 0 }, arrowSchema.parse({ textColumn: 'body' }), ctx));
    expect(docs.map((d) => d.text)).toEqual(['kept', 'also kept']);
    expect(docs.map((d) => d.id)).toEqual([`${p}#0`, `${p}#2`]);
    expect(docs.length + droppedCount(ctx)).toBe(ctx.stats.stats.read);
    expect(ctx.log.lines).toEqual([expect.stringMatching(/nulls\.arrow:row 1: column 'body' is null/)]);
  });

  it('skips a file without the text column as one read:no_text_column, naming its columns', async () => {
    const p = writeTemp(dir, 'cols.arrow', tableToIPC(table, 'file'));
    const ctx = makeTestContext();
    expect(await collect(readArrow({ path: p, fileIndex: 0 }, arrowSchema.parse({ textColumn: 'body' }), ctx))).toEqual([]);
    expect(ctx.stats.snapshot().stages.read.dropped).toEqual({ 'read:no_text_column': 1 });
    expect(ctx.log.lines[0]).toMatch(/its columns are: text, id, score, n\. Set "textColumn"/);
  });
});
