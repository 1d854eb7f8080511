// The WAT reader on Common Crawl's own WAT files: the HTML page a WAT describes becomes a document with the
// id the WARC reader gives the same page (they join), its title as text and its outlinks in meta; records
// about requests, warcinfo and pages without HTML are skipped, not read. A damaged payload is counted.

import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Doc } from '../../pipeline/core/doc.js';
import { readWat, watSchema } from '../../pipeline/readers/wat.js';
import { readWarc, warcSchema } from '../../pipeline/readers/warc.js';
import { collect, makeTestContext, type TestContext } from '../helpers/context.js';
import { gzipMembers, tempDir, warcRecord, writeTemp } from './fixtures.js';

const data = (rel: string) => new URL(`../../../shared/data/${rel}`, import.meta.url).pathname;
const haveData = existsSync(data('PROVENANCE.md'));
if (!haveData) console.warn('test/readers/wat: the real WAT files are skipped — ../shared/data is absent');

const dir = tempDir('biglm-wat-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(p: string, opts = {}): Promise<{ docs: Doc[]; ctx: TestContext }> {
  const ctx = makeTestContext();
  return { docs: await collect(readWat({ path: p, fileIndex: 0 }, watSchema.parse(opts), ctx)), ctx };
}
const readStats = (ctx: TestContext) => ctx.stats.snapshot().stages.read ?? { dropped: {}, counters: {} };

describe.skipIf(!haveData)('the WAT reader on Common Crawl WAT files', () => {
  const wat = data('warc/CC-MAIN-20140820021334-00006-ip-10-180-136-8.ec2.internal.warc.wat');
  const warc = data('warc/CC-MAIN-20140820021334-00006-ip-10-180-136-8.ec2.internal.warc');

  it('gives the one HTML page of the CC-MAIN-2014-35 WAT, joinable with the same page of its WARC', async () => {
    const { docs, ctx } = await read(wat);
    expect(docs).toHaveLength(1);
    const [page] = docs;
    expect(page.text).toBe('Photos');
    expect(page.meta).toMatchObject({ url: 'http://0pointer.de/photos/?gallery=Australia&photo=496', http_status: 200, title: 'Photos', warc_type: 'response' });
    expect((page.meta.links as { url: string }[]).length).toBeGreaterThan(10);
    expect(page.meta.wat).toBeUndefined();
    expect(ctx.stats.snapshot().read).toBe(1);
    // warcinfo, requests, the empty-bodied response and the crawl's metadata records are not pages.
    expect(readStats(ctx).counters).toMatchObject({ 'skipped_records:warcinfo': 1, 'skipped_records:wat_request': expect.any(Number), 'skipped_records:wat_response_non_html': 1 });
    expect(ctx.log.lines).toEqual([]);

    const warcCtx = makeTestContext();
    const pages = await collect(readWarc({ path: warc, fileIndex: 0 }, warcSchema.parse({}), warcCtx));
    const same = pages.find((d) => d.meta.url === page.meta.url);
    expect(same?.id).toBe(page.id);
  });

  it('keeps the whole envelope when asked, and reads gzip (whirlwind: a WAT of one request only)', async () => {
    const { docs } = await read(wat, { keepEnvelope: true });
    expect((docs[0].meta.wat as { 'WARC-Header-Metadata': { 'WARC-Type': string } })['WARC-Header-Metadata']['WARC-Type']).toBe('response');
    const whirlwind = await read(data('warc/whirlwind.warc.wat.gz'));
    expect(whirlwind.docs).toEqual([]);
    expect(readStats(whirlwind.ctx).counters['skipped_records:wat_request']).toBe(1);
  });
});

describe('the WAT reader on damaged payloads', () => {
  it('counts a payload that is not JSON as read:invalid_json with a warning, and reads on', async () => {
    const good = haveData
      ? readFileSync(data('warc/CC-MAIN-20140820021334-00006-ip-10-180-136-8.ec2.internal.warc.wat'), 'latin1')
      : undefined;
    // A real payload of a page record follows the broken one, when the shared files are there.
    const payload = good?.match(/\n(\{"Envelope".*"WARC-Type":"response".*HTML-Metadata.*)\r?\n/)?.[1];
    expect(payload === undefined).toBe(!haveData);
    const fields = (id: number) => ({
      'WARC-Type': 'metadata',
      'WARC-Target-URI': 'http://example.org/',
      'WARC-Date': '2014-08-21T04:21:14Z',
      'WARC-Record-ID': `<urn:uuid:00000000-0000-0000-0000-00000000000${id}>`,
      'Content-Type': 'application/json',
    });
    const records = [warcRecord(fields(1), '{"Envelope": {"WARC-Header-Metadata": '), ...(payload ? [warcRecord(fields(2), Buffer.from(payload, 'latin1'))] : [])];
    const p = writeTemp(dir, 'damaged.warc.wat.gz', gzipMembers(records));
    const { docs, ctx } = await read(p);
    expect(readStats(ctx).dropped).toEqual({ 'read:invalid_json': 1 });
    expect(ctx.log.lines.join('\n')).toMatch(/damaged\.warc\.wat\.gz:0: WAT payload: .*\[read:invalid_json\]/);
    expect(docs).toHaveLength(payload ? 1 : 0);
    expect(ctx.stats.snapshot().read).toBe(docs.length + 1);
  });
});
