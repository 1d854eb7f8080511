// How storage reads a remote object (storage/read-adaptive.ts), against a real S3-compatible server behind a
// TCP proxy that paces or cuts connections: one GET stream while the reader is the slower, ranged GETs at
// once when it waits on a connection and more connections bring more, back to one stream when they do not.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureS3, setRetryListener, StorageChangedError, statObject, writeObject } from '../../storage/index.js';
import { readAdaptive } from '../../storage/read-adaptive.js';
import type { ReadOptions } from '../../storage/read.js';
import { s3Backend } from '../../storage/s3.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';
import { startCuttingProxy, type CuttingProxy } from '../helpers/cutting-proxy.js';
import { randomBytes, sha256 as sha } from '../helpers/random-bytes.js';

let s3: TestS3;
beforeAll(async () => {
  s3 = await startS3(['biglm-test']);
});
afterAll(async () => {
  await s3?.close();
});

const KiB = 1 << 10;
const BLOCK = 512 * KiB;
// Slow enough that four connections stay far below what the test's one thread (reader, proxy and s3rver) can
// carry on a busy machine, so more GETs do bring more; a window of the stream is 8 of s3rver's 64 KiB chunks.
const MBPS = 6;


async function through<T>(opts: Parameters<typeof startCuttingProxy>[1], f: (proxy: CuttingProxy) => Promise<T>): Promise<T> {
  const proxy = await startCuttingProxy(s3.port, opts);
  configureS3({ endpoint: proxy.endpoint, pathStyle: true });
  try {
    return await f(proxy);
  } finally {
    configureS3({});
    await proxy.close();
  }
}

/** Reads `key` as storage does, with blocks of 512 KiB; the modes it went through and the bytes. */
async function read(key: string, opts: ReadOptions = {}, each?: (n: number) => Promise<void>, modes: string[] = []) {
  const parts: Buffer[] = [];
  const tuning = { blockBytes: BLOCK, concurrency: 4, onMode: (m: string, at: number) => modes.push(`${m}@${at}`) };
  for await (const c of readAdaptive(s3Backend, key, opts, tuning)) {
    parts.push(c);
    await each?.(parts.length);
  }
  return { modes, bytes: Buffer.concat(parts) };
}

const getsOf = (proxy: CuttingProxy, key: string) => proxy.requests.filter((r) => r.startsWith(`GET /biglm-test/${key}`));

describe('reading a remote object at the pace the reader can use', () => {
  it('keeps one GET stream while the reader is the slower', async () => {
    const data = randomBytes(2 << 20, 21);
    await writeObject('s3://biglm-test/ad/slow-reader.bin', data);
    await through({ cuts: 0, afterBytes: 0 }, async (proxy) => {
      const got = await read('s3://biglm-test/ad/slow-reader.bin', {}, () => new Promise((r) => setTimeout(r, 5)));
      expect(sha(got.bytes)).toBe(sha(data));
      expect(got.modes).toEqual([]);
      expect(getsOf(proxy, 'ad/slow-reader.bin')).toHaveLength(1);
    });
  });

  it('reads the rest as ranged GETs at once when it waits on a slow connection, and keeps them when they pay', async () => {
    const data = randomBytes(8 << 20, 22);
    await writeObject('s3://biglm-test/ad/slow-link.bin', data);
    await through({ cuts: 0, afterBytes: 0, mbps: MBPS }, async (proxy) => {
      const got = await read('s3://biglm-test/ad/slow-link.bin');
      expect(sha(got.bytes)).toBe(sha(data));
      // two starved windows of the stream, then blocks to the end
      expect(got.modes).toHaveLength(1);
      expect(got.modes[0]).toMatch(/^read-ahead@\d+$/);
      expect(Number(got.modes[0].split('@')[1])).toBeGreaterThanOrEqual(2 * BLOCK);
      expect(getsOf(proxy, 'ad/slow-link.bin').length).toBeGreaterThan(5);
      expect(proxy.peakConnections).toBeGreaterThan(2);
    });
  });

  it('goes back to one stream when more GETs bring no more bytes', async () => {
    const data = randomBytes(8 << 20, 23);
    await writeObject('s3://biglm-test/ad/shared-link.bin', data);
    await through({ cuts: 0, afterBytes: 0, sharedMbps: MBPS }, async () => {
      const got = await read('s3://biglm-test/ad/shared-link.bin');
      expect(sha(got.bytes)).toBe(sha(data));
      expect(got.modes.map((m) => m.split('@')[0])).toEqual(['read-ahead', 'stream']);
      const [split, back] = got.modes.map((m) => Number(m.split('@')[1]));
      expect(back).toBeGreaterThan(split);
    });
  });

  it('recovers a cut connection in the stream and in the blocks', async () => {
    const data = randomBytes(8 << 20, 24);
    await writeObject('s3://biglm-test/ad/cut.bin', data);
    const notices: string[] = [];
    setRetryListener((m) => notices.push(m));
    try {
      // the stream's connection is cut in its first window, then the one it resumed on
      await through({ cuts: 2, afterBytes: 100 * KiB, mbps: MBPS }, async (proxy) => {
        const got = await read('s3://biglm-test/ad/cut.bin');
        expect(sha(got.bytes)).toBe(sha(data));
        expect(got.modes[0]).toMatch(/^read-ahead@/);
        expect(proxy.cut).toBe(2);
        expect(notices).toHaveLength(2);
      });
    } finally {
      setRetryListener(() => {});
    }
  });

  it('checks every block against the version the stream read', async () => {
    const first = randomBytes(8 << 20, 25);
    await writeObject('s3://biglm-test/ad/changing.bin', first);
    const listed = (await statObject('s3://biglm-test/ad/changing.bin'))!;
    const second = randomBytes(8 << 20, 26); // same size: only the ETag tells them apart
    let replaced = false;
    const modes: string[] = [];
    const err = await through({ cuts: 0, afterBytes: 0, mbps: MBPS }, () =>
      // a block cut short by the replacement is retried (quickly here) and then found changed
      read(listed.location, { etag: listed.etag, size: listed.size, policy: { retries: 3, backoffMs: 5 } }, async () => {
        if (modes.length > 0 && !replaced) {
          replaced = true;
          await writeObject('s3://biglm-test/ad/changing.bin', second);
        }
      }, modes).catch((e) => e),
    );
    expect(replaced).toBe(true);
    expect(modes[0]).toMatch(/^read-ahead@/);
    expect(err).toBeInstanceOf(StorageChangedError);
    expect(err.message).toMatch(/^s3:\/\/biglm-test\/ad\/changing\.bin:\d+: the object changed while it was read/);
  });
});
