// Readers over HTTP(S) and S3 (real local servers): the same documents as from disk, and the failures of a
// network read turned into counted `read:` drops with a warning naming the URL and offset — an object that
// changes in the middle of a read, a download that keeps breaking off — while the run goes on.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readerRegistry } from '../../pipeline/readers/index.js';
import { setRetryListener, writeObject } from '../../storage/index.js';
import { collect, makeTestContext } from '../helpers/context.js';
import { startFileServer, type FileServer } from '../helpers/file-server.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';
import { zstdRleFrame } from './fixtures.js';

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
