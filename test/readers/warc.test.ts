import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Doc } from '../../pipeline/core/doc.js';
import { readWarc, warcSchema, type WarcOptions } from '../../pipeline/readers/warc.js';
import { htmlToText } from '../../pipeline/extract/html-to-text.js';
import { collect, droppedCount, makeTestContext, type TestContext } from '../helpers/context.js';
import { conversionRecord, gzipMembers, httpResponseRecord, requestRecord, tempDir, warcRecord, writeTemp } from './fixtures.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const defaults = warcSchema.parse({});

async function read(p: string, opts: Partial<WarcOptions> = {}): Promise<{ docs: Doc[]; ctx: TestContext }> {
  const ctx = makeTestContext();
  const docs = await collect(readWarc({ path: p, fileIndex: 3 }, { ...defaults, ...opts }, ctx));
  return { docs, ctx };
}

function dropped(ctx: TestContext): Record<string, number> {
  return ctx.stats.snapshot().stages.read?.dropped ?? {};
}
function counters(ctx: TestContext): Record<string, number> {
  return ctx.stats.snapshot().stages.read?.counters ?? {};
}
function expectBalanced(docs: Doc[], ctx: TestContext): void {
  expect(docs.length + droppedCount(ctx)).toBe(ctx.stats.stats.read);
}

const page = (title: string, body: string, head = '') => `<!doctype html><html><head>${head}<title>${title}</title></head><body>${body}</body></html>`;

describe('the WARC reader on files it writes itself', () => {
  const records = [
    warcRecord({ 'WARC-Type': 'warcinfo', 'WARC-Date': '2024-05-18T01:02:03Z', 'WARC-Record-ID': '<urn:uuid:info>', 'Content-Type': 'application/warc-fields' }, 'software: test\r\n'),
    requestRecord('https://example.org/a'),
    httpResponseRecord('https://example.org/a', ['Content-Type: text/html; charset=utf-8'], page('Café', '<p>Grüße aus Köln</p>')),
    httpResponseRecord('https://example.org/app.js', ['Content-Type: application/javascript'], 'console.log(1)'),
    httpResponseRecord('https://example.ru/', ['Content-Type: text/html'], Buffer.from(page('Привет', '<p>Стратегия пожарной безопасности</p>', '<meta charset="windows-1251">').replace('', ''), 'utf8')),
    httpResponseRecord('https://example.org/moved', ['Content-Type: text/html', 'Location: /a'], '<html>moved</html>', '301 Moved Permanently'),
    conversionRecord('https://example.org/text', 'plain words\r\nsecond line\n'),
  ];
  // The windows-1251 page must really be windows-1251 bytes: re-encode that record's body by hand.
  const cp1251 = Buffer.from([0xd1, 0xf2, 0xf0, 0xe0, 0xf2, 0xe5, 0xe3, 0xe8, 0xff]); // "Стратегия"
  records[4] = httpResponseRecord('https://example.ru/', ['Content-Type: text/html'], Buffer.concat([Buffer.from('<html><head><meta charset="windows-1251"><title>t</title></head><body><p>'), cp1251, Buffer.from('</p></body></html>')]));

  it('yields HTML responses and conversion records, in order, from a gzip member per record', async () => {
    const p = writeTemp(dir, 'mixed.warc.gz', gzipMembers(records));
    const { docs, ctx } = await read(p);
    expect(docs.map((d) => d.meta.url)).toEqual(['https://example.org/a', 'https://example.ru/', 'https://example.org/text']);
    expect(docs.map((d) => d.position)).toEqual([0, 1, 2]);
    expect(docs.every((d) => d.fileIndex === 3 && d.source === p)).toBe(true);
    expect(ctx.stats.stats.read).toBe(3);
    expectBalanced(docs, ctx);
  });

  it('keeps the WARC facts in meta and the record id as the doc id', async () => {
    const { docs } = await read(writeTemp(dir, 'mixed2.warc.gz', gzipMembers(records)));
    const [html, , text] = docs;
    expect(html.id).toMatch(/^urn:uuid:0{8}-/);
    expect(html.meta).toMatchObject({ url: 'https://example.org/a', date: '2024-05-18T01:02:03Z', record_id: html.id, content_format: 'html', content_type: 'text/html; charset=utf-8', charset: 'utf-8', http_status: 200 });
    expect(html.text).toContain('Grüße aus Köln');
    expect(text.meta).toMatchObject({ content_format: 'text', content_language: 'eng', content_type: 'text/plain' });
    expect(text.text).toBe('plain words\nsecond line\n');
  });

  it('decodes a page by its <meta charset> when HTTP names none', async () => {
    const { docs } = await read(writeTemp(dir, 'mixed3.warc', Buffer.concat(records)));
    expect(docs[1].text).toContain('Стратегия');
    expect(docs[1].meta).toMatchObject({ charset: 'windows-1251', charset_source: 'meta' });
  });

  it('counts skipped records by type without counting them as read', async () => {
    const { ctx } = await read(writeTemp(dir, 'mixed4.warc', Buffer.concat(records)));
    expect(counters(ctx)).toMatchObject({ 'skipped_records:warcinfo': 1, 'skipped_records:request': 1, 'skipped_records:response_non_html': 1, 'skipped_records:response_not_ok': 1 });
  });

  it('undoes chunked transfer coding and gzip content coding that a crawler kept', async () => {
    const html = page('t', '<p>chunked and gzipped</p>');
    const gz = gzipSync(html);
    const chunked = Buffer.concat([Buffer.from(`${(10).toString(16)}\r\n`), gz.subarray(0, 10), Buffer.from(`\r\n${(gz.length - 10).toString(16)}\r\n`), gz.subarray(10), Buffer.from('\r\n0\r\n\r\n')]);
    const p = writeTemp(dir, 'coded.warc', httpResponseRecord('https://example.org/c', ['Content-Type: text/html; charset=utf-8', 'Transfer-Encoding: chunked', 'Content-Encoding: gzip'], chunked));
    const { docs } = await read(p);
    expect(docs).toHaveLength(1);
    expect(docs[0].text).toBe(html);
  });

  it('recovers records whose Content-Length is too short or too long, warning once for the file', async () => {
    const a = conversionRecord('https://example.org/1', 'first body\nwith more text than declared\n', 10);
    const b = conversionRecord('https://example.org/2', 'second body\n');
    const c = conversionRecord('https://example.org/3', 'third body\n', 40); // swallows the start of the next record
    const d = conversionRecord('https://example.org/4', 'fourth body, long enough to be cut into\n');
    const { docs, ctx } = await read(writeTemp(dir, 'badlen.wet', Buffer.concat([a, b, c, d])));
    expect(docs.map((x) => x.text)).toEqual(['first body\nwith more text than declared\n', 'second body\n', 'third body\n', 'fourth body, long enough to be cut into\n']);
    expect(counters(ctx).recovered_records).toBe(2);
    const warnings = ctx.log.lines.filter((l) => l.startsWith('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/2 records had a Content-Length that does not match/);
  });

  it('drops a record cut by the end of the file, keeping the complete ones before it', async () => {
    const whole = Buffer.concat([conversionRecord('https://example.org/1', 'complete\n'), conversionRecord('https://example.org/2', 'this one is cut off\n')]);
    const p = writeTemp(dir, 'cut.wet', whole.subarray(0, whole.length - 12));
    const { docs, ctx } = await read(p);
    expect(docs.map((d) => d.text)).toEqual(['complete\n']);
    expect(dropped(ctx)).toEqual({ 'read:truncated_record': 1 });
    expect(ctx.log.lines).toHaveLength(1);
    expect(ctx.log.lines[0]).toContain(`${p}:`);
    expectBalanced(docs, ctx);
  });

  it('drops a truncated gzip member as read:truncated_gzip and names the offset', async () => {
    const members = gzipMembers([conversionRecord('https://example.org/1', 'complete\n'), conversionRecord('https://example.org/2', 'x'.repeat(5000))]);
    const p = writeTemp(dir, 'cutgz.wet.gz', members.subarray(0, members.length - 30));
    const { docs, ctx } = await read(p);
    expect(docs).toHaveLength(1);
    expect(dropped(ctx)).toEqual({ 'read:truncated_gzip': 1 });
    expect(ctx.log.lines[0]).toMatch(/truncated gzip at compressed byte \d+/);
    expectBalanced(docs, ctx);
  });

  it('skips junk before the first record as one malformed record', async () => {
    const p = writeTemp(dir, 'junk.wet', Buffer.concat([Buffer.from('tail of some earlier record\nmore junk\n'), conversionRecord('https://example.org/1', 'good\n')]));
    const { docs, ctx } = await read(p);
    expect(docs.map((d) => d.text)).toEqual(['good\n']);
    expect(dropped(ctx)).toEqual({ 'read:malformed_record': 1 });
    expect(docs[0].position).toBe(1);
  });

  it('skips a document record over maxRecordBytes without failing the rest', async () => {
    const p = writeTemp(dir, 'big.wet', Buffer.concat([conversionRecord('https://example.org/big', 'y'.repeat(10_000)), conversionRecord('https://example.org/small', 'small\n')]));
    const { docs, ctx } = await read(p, { maxRecordBytes: 1000 });
    expect(docs.map((d) => d.text)).toEqual(['small\n']);
    expect(dropped(ctx)).toEqual({ 'read:record_too_large': 1 });
  });

  it('reads an empty file as no documents', async () => {
    const { docs, ctx } = await read(writeTemp(dir, 'empty.warc.gz', ''));
    expect(docs).toEqual([]);
    expect(ctx.stats.stats.read).toBe(0);
  });
});

const data = (rel: string) => new URL(`../../../shared/data/${rel}`, import.meta.url).pathname;
const haveData = existsSync(data('PROVENANCE.md'));

describe.skipIf(!haveData)('the WARC reader on real Common Crawl files', () => {
  it('recovers all 318 conversion records of the CRLF-damaged WET file, equal to the restored bodies', async () => {
    const damaged = await read(data('wet/test.warc.wet.gz'));
    const restored = await read(data('wet/restored/CC-MAIN-20201129214615-20201130004615-00404.first318.warc.wet.gz'));
    expect(damaged.docs).toHaveLength(318);
    expect(restored.docs).toHaveLength(318);
    for (let i = 0; i < 318; i++) {
      expect(damaged.docs[i].id).toBe(restored.docs[i].id);
      expect(damaged.docs[i].text).toBe(restored.docs[i].text);
    }
    // PROVENANCE.md: 312 of the 318 Content-Lengths are too short.
    const warnings = damaged.ctx.log.lines;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/test\.warc\.wet\.gz:\d+: 312 records had a Content-Length/);
    expect(restored.ctx.log.lines).toEqual([]);
    expect(restored.docs[5].meta.content_language).toBe('jpn,zho,eng');
  });

  it('decodes the 16 pages of warcfile.warc.gz in their five charsets', async () => {
    const { docs } = await read(data('warc/warcfile.warc.gz'));
    expect(docs).toHaveLength(16);
    const byUrl = (u: string) => docs.find((d) => d.meta.url === u)!;
    const cases: [string, string, string][] = [
      ['http://01spb.ru/company/', 'windows-1251', 'Стратегия пожарной безопасности'],
      ['http://0760.jxtdw.com/area/sanxiang/', 'gbk', '中山英才网热线'], // declared gb2312 (WHATWG decodes it as gbk)
      ['http://041696.com/15477/list_6_4.html', 'gbk', '上海特舟实业有限公司'], // declared only in <meta>
      ['http://06.live-radsport.ch/tippspiel/stats_140_petzi.html', 'windows-1252', 'Persönliche Statistik'], // iso-8859-1
      ['http://0900-hovenier.nl/gelderland/oosterbeek/', 'utf-8', 'Tuinaanleg is slechts één van onze specialiteiten'],
    ];
    for (const [url, charset, phrase] of cases) {
      const d = byUrl(url);
      expect(d.meta.charset, url).toBe(charset);
      // Compare as text: the raw HTML may spell the phrase with entities (Pers&ouml;nliche).
      const text = htmlToText(d.text, { mainContent: false, maxLinkDensity: 1, deadline: 0 }).text;
      expect(text.includes(phrase), `${url} should contain ${phrase}`).toBe(true);
      expect(text.includes('\ufffd'), `${url} has U+FFFD`).toBe(false);
    }
  });

  it('skips the JS, CSS and images of the Wikipedia SOPA capture and keeps its one HTML page', async () => {
    const { docs, ctx } = await read(data('warc/sopa-wikipedia-homepage.warc.gz'));
    expect(docs.map((d) => d.meta.url)).toEqual(['http://en.wikipedia.org/wiki/Main_Page']);
    expect(counters(ctx)['skipped_records:response_non_html']).toBe(73);
  });

  it('strips the angle brackets wget puts around target URIs', async () => {
    const { docs } = await read(data('warc/sample-0000.warc.gz'));
    expect(docs).toHaveLength(22);
    expect(docs[0].meta.url).toBe('https://www.semanticscholar.org/research/research-team');
  });

  it('reads the pre-standard WARC/0.17 Heritrix file and the 2014 file that kept a stale Content-Encoding', async () => {
    expect((await read(data('warc/IAH-20080430204825-00000-blackbook-truncated.warc.gz'))).docs.map((d) => d.meta.url)).toEqual(['http://www.archive.org/', 'http://www.archive.org/index.php']);
    const cc2014 = await read(data('warc/CC-MAIN-20140820021334-00006-ip-10-180-136-8.ec2.internal.warc'));
    expect(cc2014.docs).toHaveLength(3);
    expect(cc2014.docs[2].meta.content_encoding_ignored).toBe('gzip');
  });

  // [file, documents kept, drops by reason]
  const malformed: [string, number, Record<string, number>][] = [
    ['warc/malformed/clipped.warc.gz', 0, { 'read:truncated_gzip': 1 }],
    // PROVENANCE says 16 complete records; the decompressed stream holds 16 conversion headers, the last one cut.
    ['wet/malformed/appended_zip_fragment_unexpected_eof.wet.gz', 15, { 'read:truncated_gzip': 1 }],
    ['wet/malformed/corrupt_starts_with_conversion.wet.gz', 5, {}],
    ['wet/malformed/corrupt_two_warcinfo.wet.gz', 5, {}],
    ['wet/malformed/corrupt_warcconversion_1.wet.gz', 4, { 'read:malformed_record': 1 }],
    ['wet/malformed/file_headers_only.wet.gz', 0, { 'read:truncated_record': 1 }],
    ['wet/malformed/fragment1_incomplete_last.wet.gz', 1, { 'read:truncated_record': 1 }],
    ['wet/malformed/fragment2_no_header.wet.gz', 1, { 'read:malformed_record': 1, 'read:truncated_record': 1 }],
  ];
  it.each(malformed)('%s: keeps %i, drops the broken records with a warning each, never throws', async (rel, kept, drops) => {
    const { docs, ctx } = await read(data(rel));
    expect(docs).toHaveLength(kept);
    expect(dropped(ctx)).toEqual(drops);
    expectBalanced(docs, ctx);
    const nDrops = Object.values(drops).reduce((a, b) => a + b, 0);
    expect(ctx.log.lines).toHaveLength(nDrops);
    for (const line of ctx.log.lines) expect(line).toMatch(new RegExp(`^warning: .*${rel.split('/').pop()!.replace(/\./g, '\\.')}:\\d+: `));
  });
});
