// The HTTP(S) backend against a local node:http server serving real files from ../shared/data: with and
// without Range support, answering 503 at first, cutting bodies short; read-ahead over HTTP; and the
// local-file backend.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listGlob, readBytes, setRetryListener, statObject, StorageNotFoundError, StorageReadError, writeObject, renameObject } from '../../storage/index.js';
import { readAhead } from '../../storage/read-ahead.js';
import { httpBackend } from '../../storage/http.js';
import { startFileServer, type FileServer } from '../helpers/file-server.js';

const DATA = path.resolve(__dirname, '../../../shared/data');
const WARC = 'warc/warcfile.warc.gz';
const haveData = existsSync(path.join(DATA, WARC));
if (!haveData) console.warn(`skipping HTTP storage tests on real files: ${DATA} is absent`);

let server: FileServer | undefined;
const notices: string[] = [];
setRetryListener((m) => notices.push(m));
afterEach(async () => {
  await server?.close();
  server = undefined;
  notices.length = 0;
});

describe.skipIf(!haveData)('HTTP storage on a local file server', () => {
  it('reads a whole file and byte ranges with Range requests (206)', async () => {
    server = await startFileServer(DATA);
    const want = await fs.readFile(path.join(DATA, WARC));
    expect((await readBytes(`${server.url}/${WARC}`)).equals(want)).toBe(true);
    const part = await readBytes(`${server.url}/${WARC}`, { start: 1000, end: 5000 });
    expect(part.equals(want.subarray(1000, 5000))).toBe(true);
    expect(server.requests.at(-1)).toMatchObject({ range: 'bytes=1000-4999', status: 206 });
    expect((await statObject(`${server.url}/${WARC}`))?.size).toBe(want.length);
  });

  it('reads the right bytes from a server that answers a Range request with 200 and the whole file', async () => {
    server = await startFileServer(DATA, { ranges: false });
    const want = await fs.readFile(path.join(DATA, WARC));
    const part = await readBytes(`${server.url}/${WARC}`, { start: 100_000, end: 100_500 });
    expect(part.equals(want.subarray(100_000, 100_500))).toBe(true);
    expect(server.requests.at(-1)).toMatchObject({ range: 'bytes=100000-100499', status: 200 });
  });

  it('retries 503 answers with backoff', async () => {
    server = await startFileServer(DATA, { fail503: 2 });
    const want = await fs.readFile(path.join(DATA, WARC));
    expect((await readBytes(`${server.url}/${WARC}`, { policy: { retries: 3, backoffMs: 5 } })).equals(want)).toBe(true);
    // one GET stream from the start (no Range header), asked again after each 503
    expect(server.requests.map((r) => [r.range, r.status])).toEqual([
      [undefined, 503],
      [undefined, 503],
      [undefined, 200],
    ]);
    expect(notices[0]).toMatch(new RegExp(`^${server.url}/${WARC}:0: .*HTTP 503; retry 1/3 in 5 ms from byte 0$`));
  });

  it('resumes a cut body from the byte reached with a Range request', async () => {
    server = await startFileServer(DATA, { cutBodies: 2, cutAfter: 40_000 });
    const want = await fs.readFile(path.join(DATA, WARC));
    expect((await readBytes(`${server.url}/${WARC}`, { policy: { retries: 3, backoffMs: 5 } })).equals(want)).toBe(true);
    expect(server.requests.map((r) => [r.range, r.status])).toEqual([
      [undefined, 200],
      ['bytes=40000-135895', 206],
      ['bytes=80000-135895', 206],
    ]);
  });

  it('resumes a cut body on a server without ranges by skipping what it already has, as one stream', async () => {
    server = await startFileServer(DATA, { ranges: false, cutBodies: 1, cutAfter: 50_000 });
    const want = await fs.readFile(path.join(DATA, WARC));
    expect((await readBytes(`${server.url}/${WARC}`, { policy: { retries: 3, backoffMs: 5 } })).equals(want)).toBe(true);
    expect(server.requests.map((r) => r.status)).toEqual([200, 200]);
  });

  it('gives up after the retries, naming the URL and the byte reached', async () => {
    // every body is cut before its first byte: no progress, so the tries run out
    server = await startFileServer(DATA, { cutBodies: 10, cutAfter: 0 });
    const err = await readBytes(`${server.url}/${WARC}`, { start: 10_000, policy: { retries: 2, backoffMs: 1 } }).catch((e) => e);
    expect(err).toBeInstanceOf(StorageReadError);
    expect(err.message).toMatch(new RegExp(`^${server.url}/${WARC}:10000: read failed after retries`));
    expect(server.requests).toHaveLength(3);
  });

  it('names the URL of a missing file', async () => {
    server = await startFileServer(DATA);
    const err = await readBytes(`${server.url}/warc/none.warc.gz`).catch((e) => e);
    expect(err).toBeInstanceOf(StorageNotFoundError);
    expect(err.message).toBe(`${server.url}/warc/none.warc.gz: not found (HTTP 404 Not Found)`);
    expect(await statObject(`${server.url}/warc/none.warc.gz`)).toBeUndefined();
  });

  it('refuses to list or write over HTTP, saying what to do instead', async () => {
    server = await startFileServer(DATA);
    await expect(listGlob(`${server.url}/warc/*.warc.gz`)).rejects.toThrow(/HTTP\(S\) has no listing.*--input-list/);
    await expect(writeObject(`${server.url}/x`, 'y')).rejects.toThrow(/read-only/);
  });
});

describe('HTTP read-ahead', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-http-ahead-'));
  const data = Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) % 251));
  writeFileSync(path.join(dir, 'big.bin'), data);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tuning = { blockBytes: 128 << 10, concurrency: 3 };

  it('reads a file larger than a block as ranged GETs, in order', async () => {
    server = await startFileServer(dir);
    const parts: Buffer[] = [];
    for await (const c of readAhead(httpBackend, `${server.url}/big.bin`, {}, tuning)) parts.push(c);
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    expect(server.requests.map((r) => [r.range, r.status])).toEqual(
      Array.from({ length: 8 }, (_, i) => [`bytes=${i * (128 << 10)}-${(i + 1) * (128 << 10) - 1}`, 206]),
    );
  });

  it('reads on as one stream from a server that answers the first range with the whole file', async () => {
    server = await startFileServer(dir, { ranges: false });
    const parts: Buffer[] = [];
    for await (const c of readAhead(httpBackend, `${server.url}/big.bin`, {}, tuning)) parts.push(c);
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    // the first block, then the rest as one stream: two downloads, not one a block
    expect(server.requests.map((r) => r.status)).toEqual([200, 200]);
  });
});

describe('local storage', () => {
  it('writes atomically, lists with globs in byte order, reads ranges and renames', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-storage-'));
    try {
      await writeObject(path.join(dir, 'a/x.jsonl'), '0123456789');
      await writeObject(path.join(dir, 'a/b/y.jsonl'), 'yy');
      await writeObject(path.join(dir, 'a/.hidden.jsonl'), 'h');
      expect((await fs.readdir(path.join(dir, 'a'))).sort()).toEqual(['.hidden.jsonl', 'b', 'x.jsonl']);
      expect((await listGlob(`${dir}/a/**/*.jsonl`)).map((o) => path.relative(dir, o.location))).toEqual(['a/b/y.jsonl', 'a/x.jsonl']);
      expect((await readBytes(path.join(dir, 'a/x.jsonl'), { start: 3, end: 6 })).toString()).toBe('345');
      await renameObject(path.join(dir, 'a/x.jsonl'), path.join(dir, 'c/z.jsonl'));
      expect((await readBytes(path.join(dir, 'c/z.jsonl'))).toString()).toBe('0123456789');
      await expect(readBytes(path.join(dir, 'a/x.jsonl'))).rejects.toThrow(StorageNotFoundError);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
