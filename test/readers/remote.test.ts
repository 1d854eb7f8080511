// Readers over HTTP(S) and S3 (real local servers): the same documents as from disk, and the failures of a
// network read turned into counted `read:` drops with a warning naming the URL and offset — an object that
// changes in the middle of a read, a download that keeps breaking off — while the run goes on.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { readerRegistry } from '../../pipeline/readers/index.js';
import { configureS3, setRetryListener, writeObject } from '../../storage/index.js';
import { collect, makeTestContext } from '../helpers/context.js';
import { startFileServer, type FileServer } from '../helpers/file-server.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';
import { startCuttingProxy } from '../helpers/cutting-proxy.js';
import { conversionRecord, gzipMembers, zstdRleFrame } from './fixtures.js';
import { memberOffsets } from '../helpers/gzip-member-offsets.js';

const DATA = path.resolve(__dirname, '../../../shared/data');
const haveData = existsSync(path.join(DATA, 'warc/warcfile.warc.gz'));
if (!haveData) console.warn(`skipping remote reader tests on real files: ${DATA} is absent`);

const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-remote-read-'));
let server: FileServer | undefined;
let s3: TestS3;
beforeAll(async () => {
  s3 = await startS3(['inputs']);
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  setRetryListener(() => {});
});
afterAll(async () => {
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function read(format: string, location: string, options: object = {}) {
  const ctx = makeTestContext();
  const def = readerRegistry.get(format);
  const docs = await collect(def.read({ path: location, fileIndex: 0 }, def.schema.parse(options), ctx));
  return { docs, ctx, dropped: ctx.stats.snapshot().stages.read?.dropped ?? {} };
}

describe.skipIf(!haveData)('readers on HTTP(S)', () => {
  it('read a Common Crawl WARC over HTTP to the same documents as from disk', async () => {
    server = await startFileServer(DATA);
    const remote = await read('warc', `${server.url}/warc/warcfile.warc.gz`);
    const local = await read('warc', path.join(DATA, 'warc/warcfile.warc.gz'));
    expect(remote.docs.length).toBe(16);
    expect(remote.docs.map((d) => [d.id, d.text])).toEqual(local.docs.map((d) => [d.id, d.text]));
  });

  it('read a Parquet file over HTTP with ranged reads (footer, then column chunks)', async () => {
    server = await startFileServer(DATA);
    const remote = await read('parquet', `${server.url}/parquet/test-00000-of-00001.parquet`, { textColumn: 'Article' });
    const local = await read('parquet', path.join(DATA, 'parquet/test-00000-of-00001.parquet'), { textColumn: 'Article' });
    expect(remote.docs.length).toBe(1348);
    const gets = server.requests.filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThan(1);
    expect(gets.every((r) => r.status === 206)).toBe(true);
    expect(remote.docs.map((d) => d.text)).toEqual(local.docs.map((d) => d.text));
  });
});

describe('readers on a network that fails', () => {
  const lines = Array.from({ length: 4000 }, (_, i) => JSON.stringify({ id: `d${i}`, text: `document number ${i} `.repeat(20) })).join('\n') + '\n';

  it('drop the rest of a file that changed in the middle of the read, naming URL and offset', async () => {
    writeFileSync(path.join(dir, 'docs.jsonl'), lines);
    server = await startFileServer(dir, { cutBodies: 1, cutAfter: 300_000 });
    // the file is replaced while the reader waits to resume: its ETag (size, mtime) is no longer the one first read
    setRetryListener(() => writeFileSync(path.join(dir, 'docs.jsonl'), lines.replace('d1"', 'changed"') + 'x\n'));
    const { docs, ctx, dropped } = await read('jsonl', `${server.url}/docs.jsonl`);
    expect(docs.length).toBeGreaterThan(100);
    expect(docs.length).toBeLessThan(4000);
    expect(dropped).toEqual({ 'read:object_changed': 1 });
    expect(ctx.stats.snapshot().read).toBe(docs.length + 1);
    expect(ctx.log.lines.join('\n')).toMatch(new RegExp(`${server.url}/docs.jsonl:\\d+: object changed at compressed byte 300000 .*\\[read:object_changed\\]`));
  });

  it('drop the record in progress when a gzip download keeps breaking off, and keep what came before', async () => {
    const gz = gzipSync(lines);
    await fs.writeFile(path.join(dir, 'docs.jsonl.gz'), gz);
    process.env.BIGLM_STORAGE_RETRIES = '2';
    try {
      // a server without ranges, cutting every body halfway: each retry gets no further than the first try
      server = await startFileServer(dir, { ranges: false, cutBodies: 100, cutAfter: Math.floor(gz.length / 2) });
      const { docs, dropped, ctx } = await read('jsonl', `${server.url}/docs.jsonl.gz`);
      expect(docs.length).toBeGreaterThan(0);
      expect(docs.length).toBeLessThan(4000);
      expect(dropped).toEqual({ 'read:download_failed': 1 });
      expect(ctx.log.lines.join('\n')).toMatch(/docs\.jsonl\.gz:\d+: download failed at compressed byte \d+ .*read failed after retries.*\[read:download_failed\]/);
    } finally {
      delete process.env.BIGLM_STORAGE_RETRIES;
    }
  });

  it('read JSONL from S3', async () => {
    await writeObject('s3://inputs/a/docs.jsonl.gz', gzipSync(lines));
    const { docs, dropped } = await read('jsonl', 's3://inputs/a/docs.jsonl.gz');
    expect(docs.length).toBe(4000);
    expect(docs[3999].id).toBe('d3999');
    expect(dropped).toEqual({});
  });

  it('read zstd JSONL from S3 through the bounded zstd decoder: a 40 MB line from a few KB dropped as too large, the line after it kept', async () => {
    await writeObject('s3://inputs/a/long.jsonl.zst', zstdRleFrame(Buffer.from('{"text": "'), 0x61, 40 << 20, Buffer.from('"}\n{"text": "a short line after it"}\n')));
    const { docs, dropped } = await read('jsonl', 's3://inputs/a/long.jsonl.zst');
    expect(docs.map((d) => d.text)).toEqual(['a short line after it']);
    expect(dropped).toEqual({ 'read:document_too_large': 1 });
  });
});


/** One byte flipped in the middle of member `m`. */
function damageMember(gz: Buffer, m: number): Buffer {
  const offsets = memberOffsets(gz);
  const damaged = Buffer.from(gz);
  damaged[Math.floor((offsets[m] + (offsets[m + 1] ?? gz.length)) / 2)] ^= 0xff;
  return damaged;
}

describe('a damaged gzip member in a remote input', () => {
  /** The same file read from disk and from S3: documents, drops and warnings (location aside) must agree. */
  async function bothWays(format: string, name: string, bytes: Buffer) {
    const local = path.join(dir, name);
    writeFileSync(local, bytes);
    await writeObject(`s3://inputs/damaged/${name}`, bytes);
    const fromDisk = await read(format, local);
    const fromS3 = await read(format, `s3://inputs/damaged/${name}`);
    const warnings = (r: typeof fromDisk, where: string) => r.ctx.log.lines.map((l) => l.replace(where, 'FILE'));
    expect(warnings(fromS3, `s3://inputs/damaged/${name}`)).toEqual(warnings(fromDisk, local));
    expect(fromS3.docs.map((d) => d.text)).toEqual(fromDisk.docs.map((d) => d.text));
    expect(fromS3.dropped).toEqual(fromDisk.dropped);
    expect(fromS3.ctx.stats.snapshot().read).toBe(fromDisk.ctx.stats.snapshot().read);
    return fromS3;
  }

  it('costs a WARC from S3 the record in that member only, as from disk', async () => {
    const texts = Array.from({ length: 60 }, (_, i) => `Page ${i}. ${'Words of a crawled page, one record a gzip member. '.repeat(30 + i)}`);
    const gz = gzipMembers(texts.map((t, i) => conversionRecord(`https://example.com/${i}`, t)));
    const { docs, dropped, ctx } = await bothWays('warc', 'one-bad-member.warc.gz', damageMember(gz, 23));
    expect(docs.map((d) => d.text)).toEqual(texts.filter((_, i) => i !== 23));
    expect(dropped).toEqual({ 'read:corrupt_gzip': 1 });
    expect(ctx.log.lines).toEqual([expect.stringMatching(/^warning: s3:\/\/inputs\/damaged\/one-bad-member\.warc\.gz:\d+: gzip member at compressed byte \d+ does not decode .* to the next intact member at byte \d+ \[read:corrupt_gzip\]$/)]);
  });

  it('keeps of a multi-member JSONL from S3 every line before the damaged member, as from disk', async () => {
    const members = Array.from({ length: 20 }, (_, m) =>
      gzipSync(Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: `m${m}-${i}`, text: `line ${i} of member ${m} `.repeat(10) })).join('\n') + '\n'),
    );
    const { docs, dropped } = await bothWays('jsonl', 'one-bad-member.jsonl.gz', damageMember(Buffer.concat(members), 12));
    expect(docs.length).toBeGreaterThanOrEqual(12 * 50);
    expect(docs.slice(0, 600).map((d) => d.id)).toEqual(Array.from({ length: 600 }, (_, k) => `m${Math.floor(k / 50)}-${k % 50}`));
    expect(Object.keys(dropped)).toEqual(['read:corrupt_gzip']);
  });
});

describe('Arrow IPC from S3, by ranged reads', () => {
  /** 30 record batches of 40 rows, ~100 KB each: a file larger than the reader's 1 MiB block. */
  function batches(version: string) {
    const tables = Array.from(
      { length: 30 },
      (_, b) =>
        new Table({
          id: vectorFromArray(Array.from({ length: 40 }, (_, i) => `b${b}-${i}`), new Utf8()),
          text: vectorFromArray(Array.from({ length: 40 }, (_, i) => `${version}: row ${i} of batch ${b}. ${'Arrow text. '.repeat(200)}`), new Utf8()),
        }),
    );
    return new Table(tables.flatMap((t) => t.batches));
  }
  const rows = (r: Awaited<ReturnType<typeof read>>) => r.docs.map((d) => [d.id, d.text]);

  for (const format of ['file', 'stream'] as const) {
    it(`reads the ${format} format to the same documents as from disk, in several GETs`, async () => {
      const name = `batches.${format === 'file' ? 'arrow' : 'arrows'}`;
      const bytes = tableToIPC(batches('v1'), format);
      writeFileSync(path.join(dir, name), bytes);
      await writeObject(`s3://inputs/arrow/${name}`, bytes);
      const proxy = await startCuttingProxy(s3.port, { cuts: 0, afterBytes: 0 });
      configureS3({ endpoint: proxy.endpoint, pathStyle: true });
      let fromS3;
      try {
        fromS3 = await read('arrow', `s3://inputs/arrow/${name}`);
      } finally {
        configureS3({});
        await proxy.close();
      }
      const fromDisk = await read('arrow', path.join(dir, name));
      expect(fromDisk.docs).toHaveLength(1200);
      expect(rows(fromS3)).toEqual(rows(fromDisk));
      expect(fromS3.dropped).toEqual({});
      // the footer and blocks of batches, each a ranged GET (a copy of this 3.7 MB file was one GET)
      const gets = proxy.requests.filter((r) => r.startsWith(`GET /inputs/arrow/${name}`)).length;
      expect(gets).toBeGreaterThanOrEqual(format === 'file' ? 4 : 1);
    });
  }

  it('drops the rest of a file replaced in the middle of the read as read:object_changed, keeping the rows before', async () => {
    await writeObject('s3://inputs/arrow/changing.arrow', tableToIPC(batches('v1'), 'file'));
    const ctx = makeTestContext();
    const def = readerRegistry.get('arrow');
    const docs = [];
    for await (const d of def.read({ path: 's3://inputs/arrow/changing.arrow', fileIndex: 0 }, def.schema.parse({}), ctx)) {
      if (docs.length === 0) await writeObject('s3://inputs/arrow/changing.arrow', tableToIPC(batches('v2'), 'file'));
      docs.push(d);
    }
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.length).toBeLessThan(1200);
    expect(docs.every((d) => d.text.startsWith('v1: '))).toBe(true);
    expect(ctx.stats.snapshot().stages.read.dropped).toEqual({ 'read:object_changed': 1 });
    expect(ctx.stats.snapshot().read).toBe(docs.length + 1);
    expect(ctx.log.lines).toEqual([expect.stringMatching(/^warning: s3:\/\/inputs\/arrow\/changing\.arrow:\d+: .*the object changed while it was read.* rows before it kept, the rest of the file is lost \[read:object_changed\]$/)]);
  });
});

describe('Parquet from S3 replaced in the middle of the read', () => {
  async function parquetFile(version: string): Promise<Buffer> {
    const parquet = createRequire(import.meta.url)('parquetjs-lite');
    const schema = new parquet.ParquetSchema({ id: { type: 'UTF8' }, text: { type: 'UTF8' } });
    const p = path.join(dir, `groups-${version}.parquet`);
    const w = await parquet.ParquetWriter.openFile(schema, p, { rowGroupSize: 200 });
    for (let i = 0; i < 1000; i++) await w.appendRow({ id: `r${i}`, text: `${version}: row ${i} of a Parquet file` });
    await w.close();
    return fs.readFile(p);
  }

  it('drops the rows from the failing row group to the end as read:object_changed, keeping the groups before', async () => {
    await writeObject('s3://inputs/parquet/groups.parquet', await parquetFile('v1'));
    const v2 = await parquetFile('v2');
    const ctx = makeTestContext();
    const def = readerRegistry.get('parquet');
    const docs = [];
    for await (const d of def.read({ path: 's3://inputs/parquet/groups.parquet', fileIndex: 0 }, def.schema.parse({}), ctx)) {
      if (docs.length === 0) await writeObject('s3://inputs/parquet/groups.parquet', v2);
      docs.push(d);
    }
    expect(docs.length % 200).toBe(0);
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.length).toBeLessThan(1000);
    expect(docs.every((d) => d.text.startsWith('v1: '))).toBe(true);
    expect(ctx.stats.snapshot().stages.read.dropped).toEqual({ 'read:object_changed': 1000 - docs.length });
    expect(ctx.stats.snapshot().read).toBe(1000);
    expect(ctx.log.lines).toEqual([expect.stringMatching(/^warning: s3:\/\/inputs\/parquet\/groups\.parquet:row group \d+ .*rows from here to the end lost: .*the object changed while it was read.*\[read:object_changed\]$/)]);
  });
});
