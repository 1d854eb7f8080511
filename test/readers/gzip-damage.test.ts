import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { readWarc, warcSchema } from '../../pipeline/readers/warc.js';
import { jsonlSchema, readJsonl } from '../../pipeline/readers/jsonl.js';
import { collect, makeTestContext } from '../helpers/context.js';
import { conversionRecord, gzipMembers, tempDir, writeTemp } from './fixtures.js';
import { memberOffsets } from '../helpers/gzip-member-offsets.js';

// A corrupt gzip member costs the record in it: every member before it is read whole, the warning names
// the member's compressed offset, the loss is counted as read:corrupt_gzip with the bytes skipped, and
// reading resumes at the next member (one member per record, as Common Crawl writes them).

const dir = tempDir('biglm-gzip-damage-');


function flipInMember(gz: Buffer, offsets: number[], m: number): { damaged: Buffer; at: number } {
  const end = offsets[m + 1] ?? gz.length;
  const at = Math.floor((offsets[m] + end) / 2);
  const damaged = Buffer.from(gz);
  damaged[at] ^= 0xff;
  return { damaged, at };
}

async function readWarcFile(p: string) {
  const ctx = makeTestContext();
  const docs = await collect(readWarc({ path: p, fileIndex: 0 }, warcSchema.parse({}), ctx));
  return { docs, ctx, dropped: ctx.stats.snapshot().stages.read?.dropped ?? {} };
}

describe('a multi-member gzip WARC with a damaged member', () => {
  const texts = Array.from({ length: 50 }, (_, i) => `Page ${i}. ${'Some words of a crawled page. '.repeat(20 + i)}`);
  const gz = gzipMembers(texts.map((t, i) => conversionRecord(`https://example.com/${i}`, t)));
  const offsets = memberOffsets(gz);

  for (const m of [0, 1, 44, 48]) {
    it(`member ${m + 1} of 50: the other 49 records are kept, one read:corrupt_gzip with the member's offset and the bytes skipped`, async () => {
      const { damaged } = flipInMember(gz, offsets, m);
      const { docs, ctx, dropped } = await readWarcFile(writeTemp(dir, `member-${m}.warc.gz`, damaged));
      expect(docs.map((d) => d.text)).toEqual(texts.filter((_, i) => i !== m));
      expect(dropped).toEqual({ 'read:corrupt_gzip': 1 });
      expect(ctx.stats.stats.read).toBe(50);
      const skipped = offsets[m + 1] - offsets[m];
      expect(ctx.log.lines).toEqual([
        expect.stringMatching(
          new RegExp(`member-${m}\\.warc\\.gz:${offsets[m]}: gzip member at compressed byte ${offsets[m]} does not decode \\(.+\\); skipped ${skipped} compressed bytes to the next intact member at byte ${offsets[m + 1]} \\[read:corrupt_gzip\\]$`),
        ),
      ]);
    });
  }

  it('the last member damaged: the 49 before it are kept and the cut record is counted', async () => {
    const { damaged } = flipInMember(gz, offsets, 49);
    const { docs, ctx, dropped } = await readWarcFile(writeTemp(dir, 'last.warc.gz', damaged));
    expect(docs).toHaveLength(49);
    expect(dropped).toEqual({ 'read:corrupt_gzip': 1 });
    // The offset is where decoding stops: inside the last member (here its end, as only the CRC fails).
    const at = Number(/corrupt gzip at compressed byte (\d+)/.exec(ctx.log.lines[0])?.[1]);
    expect(at).toBeGreaterThan(offsets[49]);
    expect(at).toBeLessThanOrEqual(gz.length);
  });

  it('two damaged members far apart: two drops, 48 records kept', async () => {
    const once = flipInMember(gz, offsets, 5).damaged;
    const twice = flipInMember(once, offsets, 30).damaged;
    const { docs, dropped } = await readWarcFile(writeTemp(dir, 'twice.warc.gz', twice));
    expect(docs).toHaveLength(48);
    expect(dropped).toEqual({ 'read:corrupt_gzip': 2 });
  });

  it('one member for the whole file, cut short: the records before the cut are kept, the cut one counted', async () => {
    const whole = gzipSync(Buffer.concat(texts.map((t, i) => conversionRecord(`https://example.com/${i}`, t))));
    const { docs, ctx, dropped } = await readWarcFile(writeTemp(dir, 'single.warc.gz', whole.subarray(0, Math.floor(whole.length * 0.7))));
    expect(docs.length).toBeGreaterThan(25);
    expect(docs.map((d) => d.text)).toEqual(texts.slice(0, docs.length));
    expect(dropped).toEqual({ 'read:truncated_gzip': 1 });
    expect(ctx.log.lines[0]).toMatch(new RegExp(`truncated gzip at compressed byte ${Math.floor(whole.length * 0.7)}`));
  });

  it('zero padding after the last member is not damage', async () => {
    const { docs, dropped } = await readWarcFile(writeTemp(dir, 'padded.warc.gz', Buffer.concat([gz, Buffer.alloc(512)])));
    expect(docs).toHaveLength(50);
    expect(dropped).toEqual({});
  });
});

describe('a single-member .jsonl.gz with a flipped byte', () => {
  it('keeps the lines before the damage and counts the rest as one read:corrupt_gzip', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ text: `line ${i} ${'x'.repeat(i % 50)}` })).join('\n');
    const gz = gzipSync(lines);
    const damaged = Buffer.from(gz);
    damaged[Math.floor(gz.length * 0.6)] ^= 0xff;
    const ctx = makeTestContext();
    const docs = await collect(readJsonl({ path: writeTemp(dir, 'one.jsonl.gz', damaged), fileIndex: 0 }, jsonlSchema.parse({}), ctx));
    expect(docs.length).toBeGreaterThan(1000);
    // Deflate has no block checksums: a few lines decoded just before zlib notices the damage may be garbled,
    // but every line well before it is intact and in place.
    expect(docs.slice(0, 1000).every((d, i) => d.text.startsWith(`line ${i} `))).toBe(true);
    expect(ctx.stats.snapshot().stages.read?.dropped).toEqual({ 'read:corrupt_gzip': 1 });
    expect(ctx.stats.stats.read).toBe(docs.length + 1);
  });
});

const shared = new URL('../../../shared/data/warc/warcfile.warc.gz', import.meta.url).pathname;
if (!existsSync(shared)) console.warn('test/readers/gzip-damage (warcfile.warc.gz): skipped — ../shared/data is absent');

describe.skipIf(!existsSync(shared))("the shared warcfile.warc.gz (wget's WARC, 50 members) with one flipped byte", () => {
  const gz = existsSync(shared) ? readFileSync(shared) : Buffer.alloc(0);
  const offsets = existsSync(shared) ? memberOffsets(gz) : [];

  it('member 45 of 50: the 15 documents outside it are kept and the warning gives the member at 125552', async () => {
    const clean = await readWarcFile(shared);
    expect(clean.docs).toHaveLength(16);
    const { damaged, at } = flipInMember(gz, offsets, 44);
    expect(offsets[44]).toBe(125552);
    expect(at).toBeGreaterThan(125552);
    const { docs, ctx, dropped } = await readWarcFile(writeTemp(dir, 'warcfile-45.warc.gz', damaged));
    expect(docs).toHaveLength(15);
    expect(docs.map((d) => d.id)).toEqual(clean.docs.map((d) => d.id).filter((id) => docs.some((k) => k.id === id)));
    expect(dropped).toEqual({ 'read:corrupt_gzip': 1 });
    expect(ctx.log.lines[0]).toMatch(/warcfile-45\.warc\.gz:125552: gzip member at compressed byte 125552 does not decode .*skipped 5831 compressed bytes to the next intact member at byte 131383/);
  });

  it('the first member (warcinfo): every document is kept and the lost member is counted', async () => {
    const { damaged } = flipInMember(gz, offsets, 0);
    const { docs, ctx, dropped } = await readWarcFile(writeTemp(dir, 'warcfile-1.warc.gz', damaged));
    expect(docs).toHaveLength(16);
    expect(dropped).toEqual({ 'read:corrupt_gzip': 1 });
    expect(ctx.stats.stats.read).toBe(17);
  });
});
