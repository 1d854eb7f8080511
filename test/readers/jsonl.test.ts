import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Doc } from '../../pipeline/core/doc.js';
import { jsonlSchema, readJsonl, type JsonlOptions } from '../../pipeline/readers/jsonl.js';
import { collect, droppedCount, makeTestContext, type TestContext } from '../helpers/context.js';
import { tempDir, writeTemp, zstdRawFrame } from './fixtures.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(p: string, opts: Partial<JsonlOptions> = {}): Promise<{ docs: Doc[]; ctx: TestContext }> {
  const ctx = makeTestContext();
  const docs = await collect(readJsonl({ path: p, fileIndex: 0 }, jsonlSchema.parse(opts), ctx));
  return { docs, ctx };
}
const dropped = (ctx: TestContext) => ctx.stats.snapshot().stages.read?.dropped ?? {};

const lines = (...objs: unknown[]) => objs.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n') + '\n';

describe('the JSONL reader', () => {
  it('reads text and id, keeps the other fields in meta, numbers documents by line', async () => {
    const p = writeTemp(dir, 'a.jsonl', lines({ id: 'x1', text: 'hello', lang: 'en' }, { id: 7, text: 'world', extra: { a: 1 } }, { text: 'no id' }));
    const { docs } = await read(p);
    expect(docs.map((d) => [d.id, d.text, d.position])).toEqual([['x1', 'hello', 0], ['7', 'world', 1], [`${p}#2`, 'no id', 2]]);
    expect(docs[0].meta).toEqual({ lang: 'en' });
    expect(docs[1].meta).toEqual({ extra: { a: 1 } });
  });

  it('follows a dotted textField and does not keep the text twice', async () => {
    const p = writeTemp(dir, 'nested.jsonl', lines({ doc: { body: 'deep text', n: 1 } }));
    const { docs } = await read(p, { textField: 'doc.body' });
    expect(docs[0].text).toBe('deep text');
    expect(docs[0].meta).toEqual({ doc: { n: 1 } });
  });

  it('drops broken JSON, invalid UTF-8, missing and non-string text, each with its reason and line number', async () => {
    const bad = Buffer.concat([
      Buffer.from(lines({ text: 'good one' }, '{"text": "unterminated', { title: 'no text' }, { text: 42 }, '[1,2]')),
      Buffer.from('{"text": "'),
      Buffer.from([0xc3, 0x28]), // invalid UTF-8
      Buffer.from('"}\n\n   \n'),
      Buffer.from(lines({ text: 'good two' })),
    ]);
    const p = writeTemp(dir, 'bad.jsonl', bad);
    const { docs, ctx } = await read(p);
    expect(docs.map((d) => d.text)).toEqual(['good one', 'good two']);
    expect(dropped(ctx)).toEqual({ 'read:invalid_json': 2, 'read:missing_text': 2, 'read:invalid_utf8': 1 });
    expect(ctx.stats.stats.read).toBe(7); // blank lines are not records
    expect(docs.length + droppedCount(ctx)).toBe(ctx.stats.stats.read);
    expect(ctx.log.lines).toEqual([
      expect.stringMatching(/bad\.jsonl:2: invalid JSON .*\[read:invalid_json\]$/),
      expect.stringMatching(/bad\.jsonl:3: field 'text' is missing/),
      expect.stringMatching(/bad\.jsonl:4: field 'text' is a number, not a string/),
      expect.stringMatching(/bad\.jsonl:5: a JSON array, not an object/),
      expect.stringMatching(/bad\.jsonl:6: not valid UTF-8/),
    ]);
  });

  it('caps warnings at 10 per file and sums up the rest in one line', async () => {
    const p = writeTemp(dir, 'flood.jsonl', Array.from({ length: 25 }, (_, i) => `{broken ${i}`).join('\n') + '\n');
    const { docs, ctx } = await read(p);
    expect(docs).toEqual([]);
    expect(dropped(ctx)).toEqual({ 'read:invalid_json': 25 });
    expect(ctx.log.lines).toHaveLength(11);
    expect(ctx.log.lines[10]).toMatch(/15 more bad records not shown \(read:invalid_json ×15\)/);
  });

  it('skips a line over maxDocumentBytes while streaming and reads on after it', async () => {
    const huge = JSON.stringify({ text: 'z'.repeat(3 << 20) });
    const p = writeTemp(dir, 'huge.jsonl', lines({ text: 'before' }, huge, { text: 'after' }));
    const { docs, ctx } = await read(p, { maxDocumentBytes: 1 << 20 });
    expect(docs.map((d) => d.text)).toEqual(['before', 'after']);
    expect(docs[1].position).toBe(2);
    expect(dropped(ctx)).toEqual({ 'read:document_too_large': 1 });
    expect(ctx.log.lines[0]).toMatch(/huge\.jsonl:2: \d+ bytes is over maxDocumentBytes \(1048576\)/);
  });

  it('reads gzip (also dolma-style .json.gz) and zstd compressed files', async () => {
    const body = lines({ text: 'compressed' }, { text: 'twice' });
    for (const [name, data] of [['c.jsonl.gz', gzipSync(body)], ['c.json.gz', gzipSync(body)], ['c.jsonl.zst', zstdRawFrame(Buffer.from(body))]] as const) {
      const { docs } = await read(writeTemp(dir, name, data));
      expect(docs.map((d) => d.text), name).toEqual(['compressed', 'twice']);
    }
  });

  it('reads a last line without a newline, and CRLF line ends', async () => {
    const p = writeTemp(dir, 'crlf.jsonl', '{"text":"one"}\r\n{"text":"two"}');
    expect((await read(p)).docs.map((d) => d.text)).toEqual(['one', 'two']);
  });

  it('counts the line cut by a truncated gzip stream as read:truncated_gzip', async () => {
    const gz = gzipSync(lines(...Array.from({ length: 2000 }, (_, i) => ({ text: `document number ${i} with some words` }))));
    const p = writeTemp(dir, 'cut.jsonl.gz', gz.subarray(0, gz.length - 20));
    const { docs, ctx } = await read(p);
    expect(docs.length).toBeGreaterThan(1900);
    expect(dropped(ctx)).toEqual({ 'read:truncated_gzip': 1 });
    expect(docs.length + droppedCount(ctx)).toBe(ctx.stats.stats.read);
  });

  it("marks documents as HTML with contentFormat 'html'", async () => {
    const { docs } = await read(writeTemp(dir, 'h.jsonl', lines({ text: '<p>x</p>' })), { contentFormat: 'html' });
    expect(docs[0].meta.content_format).toBe('html');
  });

  it('rejects a misspelt option', () => {
    expect(() => jsonlSchema.parse({ textfield: 'content' })).toThrow();
  });
});

const data = (rel: string) => new URL(`../../../shared/data/${rel}`, import.meta.url).pathname;

describe.skipIf(!existsSync(data('jsonl')))('the JSONL reader on real corpora', () => {
  it('reads the 63 OSCAR documents from `content` and lifts url, date, record id and language', async () => {
    const { docs, ctx } = await read(data('jsonl/data.jsonl'), { textField: 'content' });
    expect(docs).toHaveLength(63);
    expect(ctx.log.lines).toEqual([]);
    expect(docs[0].text.startsWith('This article is written like a personal reflection')).toBe(true);
    expect(docs[0].meta).toMatchObject({
      url: 'https://en.wikipedia.org/wiki/Navi_Mumbai',
      date: '2021-09-16T12:10:19Z',
      record_id: 'urn:uuid:c100fb99-8d71-49c6-a1d0-f24bca6590d8',
      content_language: 'eng',
    });
    expect((docs[0].meta.metadata as { identification: { label: string } }).identification.label).toBe('en');
  });

  it('reads dolma files, including the .json.gz one, with their url ids', async () => {
    for (const f of ['jsonl/000.json.gz', 'jsonl/cc_en_head-0091.jsonl.gz', 'jsonl/cc_en_head-0174.jsonl.gz']) {
      const { docs, ctx } = await read(data(f));
      expect(docs, f).toHaveLength(10);
      expect(ctx.stats.stats.read).toBe(10);
      expect(docs.every((d) => d.id.startsWith('http') && d.text.length > 0)).toBe(true);
    }
    const { docs } = await read(data('jsonl/cc_en_head-0091.jsonl.gz'));
    expect(docs[0].meta.url).toBe('http://100kinvesting.com/2016/11/28/first-teleconference-calls-invoice-factoring/'); // lifted from metadata.url
  });
});
