import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { parquetSchema, readParquet } from '../../pipeline/readers/parquet.js';
import { collect, droppedCount, makeTestContext } from '../helpers/context.js';

const data = (rel: string) => new URL(`../../../shared/data/${rel}`, import.meta.url).pathname;

describe.skipIf(!existsSync(data('parquet')))('the Parquet reader on real files written by parquet-cpp-arrow', () => {
  it('reads all 1,348 Mizo articles (2 SNAPPY row groups, dictionary-encoded Category) from column Article', async () => {
    const ctx = makeTestContext();
    const docs = await collect(readParquet({ path: data('parquet/test-00000-of-00001.parquet'), fileIndex: 1 }, parquetSchema.parse({ textColumn: 'Article' }), ctx));
    expect(docs).toHaveLength(1348);
    expect(ctx.stats.stats.read).toBe(1348);
    expect(docs[0].text.startsWith('Aizawl East-II bialtu MLA Robert Romawia Royte')).toBe(true);
    expect(docs.map((d) => d.position)).toEqual(Array.from({ length: 1348 }, (_, i) => i));
    // The RLE_DICTIONARY column decodes to the dataset's 6 classes.
    const categories = new Set(docs.map((d) => d.meta.Category));
    expect(categories.size).toBe(6);
    expect(categories.has('tualchhung')).toBe(true);
  });

  it('reads the flattened WARC parquet: binary content as text, int64 columns as numbers, null content dropped', async () => {
    const ctx = makeTestContext();
    const docs = await collect(readParquet({ path: data('parquet/sample.warc.parquet'), fileIndex: 0 }, parquetSchema.parse({ textColumn: 'content', contentFormat: 'html' }), ctx));
    expect(ctx.stats.stats.read).toBe(18);
    expect(docs.length + droppedCount(ctx)).toBe(18);
    expect(ctx.stats.snapshot().stages.read.dropped).toEqual({ 'read:null_text': 18 - docs.length });
    const d = docs[0];
    expect(d.meta.content_format).toBe('html');
    expect(d.meta.rec_type).toBe('response');
    expect(typeof d.meta.length).toBe('number');
    expect(d.text).toContain('<html');
  });

  it('skips a file without the text column, counting its rows and naming its columns', async () => {
    const ctx = makeTestContext();
    const docs = await collect(readParquet({ path: data('parquet/test-00000-of-00001.parquet'), fileIndex: 0 }, parquetSchema.parse({}), ctx));
    expect(docs).toHaveLength(0);
    expect(ctx.stats.snapshot().stages.read.dropped).toEqual({ 'read:no_text_column': 1348 });
    expect(ctx.log.lines[0]).toMatch(/textColumn 'text' is not a column of this file; its columns are: Category, Article\. Set "textColumn" in the reader options; its 1348 rows are skipped \[read:no_text_column\]/);
  });
});
