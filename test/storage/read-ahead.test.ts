// Read-ahead from S3 (storage/read-ahead.ts) against a real S3-compatible server: several ranged GETs at
// once, passed on in order, each recovering its own cut connection, a replaced object detected in any block,
// and no more held than the blocks in flight.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureS3, setRetryListener, StorageChangedError, statObject, writeObject } from '../../storage/index.js';
import { readAhead, readAheadTuning } from '../../storage/read-ahead.js';
import { s3Backend } from '../../storage/s3.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';
import { startCuttingProxy } from '../helpers/cutting-proxy.js';
import { randomBytes, sha256 as sha } from '../helpers/random-bytes.js';

let s3: TestS3;
beforeAll(async () => {
  s3 = await startS3(['biglm-test']);
});
afterAll(async () => {
  await s3?.close();
});


const KiB = 1 << 10;

async function drain(it: AsyncIterable<Buffer>, each?: (c: Buffer, n: number) => Promise<void>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) {
    parts.push(c);
    await each?.(c, parts.length);
  }
  return Buffer.concat(parts);
}

const getsOf = (requests: string[], key: string) => requests.filter((r) => r.startsWith(`GET /biglm-test/${key} `) || r.startsWith(`GET /biglm-test/${key}?`));

describe('S3 read-ahead', () => {
  it('passes on the bytes in order from one GET per block, several in flight', async () => {
    const data = randomBytes(5 << 20, 11);
    await writeObject('s3://biglm-test/ra/order.bin', data);
    const proxy = await startCuttingProxy(s3.port, { cuts: 0, afterBytes: 0 });
    configureS3({ endpoint: proxy.endpoint, pathStyle: true });
    try {
      const got = await drain(readAhead(s3Backend, 's3://biglm-test/ra/order.bin', {}, { blockBytes: 256 * KiB, concurrency: 4 }));
      expect(got.length).toBe(data.length);
      expect(sha(got)).toBe(sha(data));
      // 5 MiB in 256 KiB blocks; no HEAD: the first block's answer gave the size and ETag
      expect(getsOf(proxy.requests, 'ra/order.bin')).toHaveLength(20);
      expect(proxy.requests.filter((r) => r.startsWith('HEAD '))).toHaveLength(0);

      const middle = await drain(readAhead(s3Backend, 's3://biglm-test/ra/order.bin', { start: 1000, end: 1_300_001 }, { blockBytes: 256 * KiB, concurrency: 3 }));
      expect(middle.equals(data.subarray(1000, 1_300_001))).toBe(true);
    } finally {
      configureS3({});
      await proxy.close();
    }
  });

  it('reads an object smaller than a block with one GET', async () => {
    await writeObject('s3://biglm-test/ra/small.txt', 'a few bytes\n');
    const proxy = await startCuttingProxy(s3.port, { cuts: 0, afterBytes: 0 });
    configureS3({ endpoint: proxy.endpoint, pathStyle: true });
    try {
      const got = await drain(readAhead(s3Backend, 's3://biglm-test/ra/small.txt', {}, readAheadTuning({})));
      expect(got.toString()).toBe('a few bytes\n');
      expect(getsOf(proxy.requests, 'ra/small.txt')).toHaveLength(1);
    } finally {
      configureS3({});
      await proxy.close();
    }
  });

  it('recovers a connection cut inside one block by resuming that block', async () => {
    const data = randomBytes(3 << 20, 12);
    await writeObject('s3://biglm-test/ra/cut.bin', data);
    const proxy = await startCuttingProxy(s3.port, { cuts: 1, afterBytes: 300 * KiB });
    configureS3({ endpoint: proxy.endpoint, pathStyle: true });
    const notices: string[] = [];
    setRetryListener((m) => notices.push(m));
    try {
      const got = await drain(readAhead(s3Backend, 's3://biglm-test/ra/cut.bin', {}, { blockBytes: 512 * KiB, concurrency: 3 }));
      expect(sha(got)).toBe(sha(data));
      expect(proxy.cut).toBe(1);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/^s3:\/\/biglm-test\/ra\/cut\.bin:\d+: .*retry 1\/\d+ in \d+ ms from byte \d+/);
      // 6 blocks, and one more GET from the byte the cut block had reached
      expect(getsOf(proxy.requests, 'ra/cut.bin')).toHaveLength(7);
    } finally {
      setRetryListener((m) => process.stderr.write(`biglm: ${m}\n`));
      configureS3({});
      await proxy.close();
    }
  });

  it('fails, after the bytes before it, when the object is replaced in the middle of the read', async () => {
    const first = randomBytes(4 << 20, 13);
    await writeObject('s3://biglm-test/ra/changing.bin', first);
    const listed = (await statObject('s3://biglm-test/ra/changing.bin'))!;
    const second = randomBytes(4 << 20, 14); // same size: only the ETag tells the versions apart
    let replaced = false;
    const passed: Buffer[] = [];
    const err = await drain(
      readAhead(s3Backend, listed.location, { etag: listed.etag, size: listed.size }, { blockBytes: 256 * KiB, concurrency: 2 }),
      async (c) => {
        passed.push(c);
        if (!replaced) {
          replaced = true;
          await writeObject('s3://biglm-test/ra/changing.bin', second);
        }
      },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(StorageChangedError);
    expect(err.message).toMatch(/^s3:\/\/biglm-test\/ra\/changing\.bin:\d+: the object changed while it was read/);
    // what was passed on is a prefix of the first version, cut at a block boundary, never bytes of the second
    const got = Buffer.concat(passed);
    expect(got.length % (256 * KiB)).toBe(0);
    expect(got.length).toBeGreaterThan(0);
    expect(got.equals(first.subarray(0, got.length))).toBe(true);
    expect(err.offset).toBe(got.length);
  });

  it('holds at most the blocks in flight while the reader is slow, and does read ahead', async () => {
    const data = randomBytes(4 << 20, 15);
    await writeObject('s3://biglm-test/ra/slow.bin', data);
    let peak = 0;
    let most = 0;
    const tuning = { blockBytes: 256 * KiB, concurrency: 3, onBuffered: (b: number) => (peak = Math.max(peak, b)), onBlocks: (n: number) => (most = Math.max(most, n)) };
    const got = await drain(readAhead(s3Backend, 's3://biglm-test/ra/slow.bin', {}, tuning), (_c, n) =>
      n % 4 === 0 ? new Promise((r) => setTimeout(r, 5)) : Promise.resolve(),
    );
    expect(sha(got)).toBe(sha(data));
    expect(peak).toBeLessThanOrEqual(3 * 256 * KiB);
    expect(peak).toBeGreaterThan(256 * KiB);
    expect(most).toBeLessThanOrEqual(3);
  });

  it('adds GETs, up to its limit, while the reader waits on a slow link', async () => {
    const data = randomBytes(3 << 20, 17);
    await writeObject('s3://biglm-test/ra/slow-link.bin', data);
    const proxy = await startCuttingProxy(s3.port, { cuts: 0, afterBytes: 0, mbps: 8 });
    configureS3({ endpoint: proxy.endpoint, pathStyle: true });
    try {
      const inFlight: number[] = [];
      const got = await drain(readAhead(s3Backend, 's3://biglm-test/ra/slow-link.bin', {}, { blockBytes: 128 * KiB, concurrency: 4, onBlocks: (n) => inFlight.push(n) }));
      expect(sha(got)).toBe(sha(data));
      // two to begin with, then more as the reader catches up with blocks still arriving; never past the limit
      expect(inFlight[0]).toBe(2);
      expect(Math.max(...inFlight)).toBe(4);
    } finally {
      configureS3({});
      await proxy.close();
    }
  });

  it('stops its GETs when the reader stops early', async () => {
    const data = randomBytes(4 << 20, 16);
    await writeObject('s3://biglm-test/ra/early.bin', data);
    const proxy = await startCuttingProxy(s3.port, { cuts: 0, afterBytes: 0 });
    configureS3({ endpoint: proxy.endpoint, pathStyle: true });
    try {
      let n = 0;
      for await (const c of readAhead(s3Backend, 's3://biglm-test/ra/early.bin', {}, { blockBytes: 256 * KiB, concurrency: 2 })) {
        n += c.length;
        if (n > 100 * KiB) break;
      }
      await new Promise((r) => setTimeout(r, 200));
      // the first block and at most the ones in flight when it stopped, not all 16
      expect(getsOf(proxy.requests, 'ra/early.bin').length).toBeLessThanOrEqual(3);
    } finally {
      configureS3({});
      await proxy.close();
    }
  });

  it('refuses read-ahead settings that make no sense, naming the variable', () => {
    expect(() => readAheadTuning({ BIGLM_READ_CONCURRENCY: '0' })).toThrow(/BIGLM_READ_CONCURRENCY=0/);
    expect(() => readAheadTuning({ BIGLM_READ_BLOCK_MB: 'lots' })).toThrow(/BIGLM_READ_BLOCK_MB=lots/);
    expect(readAheadTuning({ BIGLM_READ_CONCURRENCY: '2', BIGLM_READ_BLOCK_MB: '4' })).toEqual({ concurrency: 2, blockBytes: 4 << 20 });
  });
});
