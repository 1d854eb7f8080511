// The S3 backend against a real S3-compatible server (s3rver on 127.0.0.1): listing and globs, ranged
// reads, a multipart upload, rename by copy + delete, and the failures users meet (a missing bucket or key,
// wrong credentials, a connection cut mid-read, an object replaced between listing and reading).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configureS3,
  deleteObject,
  deletePrefix,
  listGlob,
  listObjects,
  readBytes,
  renameObject,
  statObject,
  StorageAccessError,
  StorageChangedError,
  StorageNotFoundError,
  writeObject,
} from '../../storage/index.js';
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



async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('S3 storage on a local S3-compatible server', () => {
  it('lists a prefix in byte order and expands globs over its keys', async () => {
    for (const k of ['crawl/2024-10/a.warc.gz', 'crawl/2024-10/b.warc.gz', 'crawl/2024-22/sub/c.warc.gz', 'crawl/2024-22/c.wet.gz', 'crawl2/x.warc.gz']) {
      await writeObject(`s3://biglm-test/${k}`, `data of ${k}`);
    }
    const all = (await collect(listObjects('s3://biglm-test/crawl'))).map((o) => o.location);
    expect(all).toEqual([
      's3://biglm-test/crawl/2024-10/a.warc.gz',
      's3://biglm-test/crawl/2024-10/b.warc.gz',
      's3://biglm-test/crawl/2024-22/c.wet.gz',
      's3://biglm-test/crawl/2024-22/sub/c.warc.gz',
    ]);
    const warcs = (await listGlob('s3://biglm-test/crawl/**/*.warc.gz')).map((o) => o.location);
    expect(warcs).toEqual(['s3://biglm-test/crawl/2024-10/a.warc.gz', 's3://biglm-test/crawl/2024-10/b.warc.gz', 's3://biglm-test/crawl/2024-22/sub/c.warc.gz']);
    expect((await listGlob('s3://biglm-test/crawl/2024-{10,22}/*.gz')).length).toBe(3);
    const st = await statObject('s3://biglm-test/crawl/2024-10/a.warc.gz');
    expect(st?.size).toBe('data of crawl/2024-10/a.warc.gz'.length);
    expect(await statObject('s3://biglm-test/crawl/none')).toBeUndefined();
  });

  it('uploads a 12 MiB shard in parts and reads it back whole and by ranges', async () => {
    const data = randomBytes(12 << 20, 17);
    // through a proxy that cuts nothing, to see the requests: 12 MiB in 8 MiB parts is one upload of 2 parts
    const proxy = await startCuttingProxy(s3.port, { cuts: 0, afterBytes: 0 });
    configureS3({ endpoint: proxy.endpoint, pathStyle: true });
    try {
      await writeObject('s3://biglm-test/runs/big/shards/part-0.arrow', data);
    } finally {
      configureS3({});
      await proxy.close();
    }
    expect(proxy.requests.filter((r) => /^POST \/biglm-test\/runs\/big\/shards\/part-0\.arrow\?uploads/.test(r))).toHaveLength(1);
    expect(proxy.requests.filter((r) => /^PUT \/biglm-test\/runs\/big\/shards\/part-0\.arrow\?.*partNumber=\d/.test(r))).toHaveLength(2);
    const st = await statObject('s3://biglm-test/runs/big/shards/part-0.arrow');
    expect(st?.size).toBe(data.length);
    expect(sha(await readBytes('s3://biglm-test/runs/big/shards/part-0.arrow'))).toBe(sha(data));
    const mid = await readBytes('s3://biglm-test/runs/big/shards/part-0.arrow', { start: 5_000_000, end: 5_000_100 });
    expect(mid.equals(data.subarray(5_000_000, 5_000_100))).toBe(true);
    const tail = await readBytes('s3://biglm-test/runs/big/shards/part-0.arrow', { start: data.length - 10 });
    expect(tail.equals(data.subarray(data.length - 10))).toBe(true);
  });

  it('renames by copy and delete, and deletes', async () => {
    await writeObject('s3://biglm-test/tmp/.x.tmp', 'committed bytes');
    await renameObject('s3://biglm-test/tmp/.x.tmp', 's3://biglm-test/tmp/x');
    expect((await readBytes('s3://biglm-test/tmp/x')).toString()).toBe('committed bytes');
    expect(await statObject('s3://biglm-test/tmp/.x.tmp')).toBeUndefined();
    await deleteObject('s3://biglm-test/tmp/x');
    expect(await statObject('s3://biglm-test/tmp/x')).toBeUndefined();
  });

  it('deletes many objects with one DeleteObjects request per 1,000 keys', async () => {
    const keys = Array.from({ length: 1205 }, (_, i) => `wipe/many/${String(i).padStart(5, '0')}.bin`);
    for (let i = 0; i < keys.length; i += 32) await Promise.all(keys.slice(i, i + 32).map((k) => writeObject(`s3://biglm-test/${k}`, k)));
    await writeObject('s3://biglm-test/wipe/many/keep.txt', 'not in the list');
    const proxy = await startCuttingProxy(s3.port, { cuts: 0, afterBytes: 0 });
    configureS3({ endpoint: proxy.endpoint, pathStyle: true });
    try {
      await s3Backend.deleteMany([...keys.map((k) => `s3://biglm-test/${k}`), 's3://biglm-test/wipe/many/never-written']);
    } finally {
      configureS3({});
      await proxy.close();
    }
    expect(proxy.requests.filter((r) => /^POST \/biglm-test\/?\?delete/.test(r))).toHaveLength(2);
    expect(proxy.requests.filter((r) => r.startsWith('DELETE '))).toHaveLength(0);
    // (listed here, not before: s3rver cannot page a listing past 1,000 keys, its continuation token needs DES)
    expect((await collect(listObjects('s3://biglm-test/wipe/many'))).map((o) => o.location)).toEqual(['s3://biglm-test/wipe/many/keep.txt']);
  });

  it('deletes every object below a prefix, and nothing beside it, in batches', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `prefix-wipe/run/${i % 2 ? 'segments' : 'markers'}/${String(i).padStart(3, '0')}.bin`);
    await Promise.all(keys.map((k) => writeObject(`s3://biglm-test/${k}`, k)));
    await writeObject('s3://biglm-test/prefix-wipe/run2/keep.txt', 'a neighbour whose name starts the same');
    const proxy = await startCuttingProxy(s3.port, { cuts: 0, afterBytes: 0 });
    configureS3({ endpoint: proxy.endpoint, pathStyle: true });
    try {
      expect(await deletePrefix('s3://biglm-test/prefix-wipe/run')).toBe(40);
    } finally {
      configureS3({});
      await proxy.close();
    }
    expect(proxy.requests.filter((r) => /^POST \/biglm-test\/?\?delete/.test(r)).length).toBeGreaterThanOrEqual(1);
    expect(proxy.requests.filter((r) => r.startsWith('DELETE '))).toHaveLength(0);
    expect(await collect(listObjects('s3://biglm-test/prefix-wipe/run'))).toEqual([]);
    expect((await collect(listObjects('s3://biglm-test/prefix-wipe'))).map((o) => o.location)).toEqual(['s3://biglm-test/prefix-wipe/run2/keep.txt']);
    expect(await deletePrefix('s3://biglm-test/prefix-wipe/nothing-here')).toBe(0);
  });

  it('names the object or the bucket that is missing', async () => {
    await expect(readBytes('s3://biglm-test/no/such/key.warc.gz')).rejects.toThrow(StorageNotFoundError);
    await expect(readBytes('s3://biglm-test/no/such/key.warc.gz')).rejects.toThrow(/s3:\/\/biglm-test\/no\/such\/key\.warc\.gz: not found/);
    await expect(collect(listObjects('s3://no-such-bucket/x'))).rejects.toThrow(/s3:\/\/no-such-bucket\/x: not found \(no such bucket\)/);
  });

  it('refuses wrong credentials with an error that says what to check', async () => {
    const saved = process.env.AWS_SECRET_ACCESS_KEY;
    const savedId = process.env.AWS_ACCESS_KEY_ID;
    process.env.AWS_ACCESS_KEY_ID = 'WRONG';
    process.env.AWS_SECRET_ACCESS_KEY = 'WRONG';
    configureS3({});
    try {
      const err = await readBytes('s3://biglm-test/crawl/2024-10/a.warc.gz').catch((e) => e);
      expect(err).toBeInstanceOf(StorageAccessError);
      expect(err.message).toMatch(/s3:\/\/biglm-test\/crawl\/2024-10\/a\.warc\.gz: access denied \(InvalidAccessKeyId/);
      expect(err.message).toMatch(/AWS_ACCESS_KEY_ID/);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = savedId;
      process.env.AWS_SECRET_ACCESS_KEY = saved;
      configureS3({});
    }
  });

  it('resumes at the byte reached when the connection is cut in the middle of a read', async () => {
    const data = randomBytes(3 << 20, 5);
    await writeObject('s3://biglm-test/cut/file.bin', data);
    const proxy = await startCuttingProxy(s3.port, { cuts: 2, afterBytes: 1 << 20 });
    configureS3({ endpoint: proxy.endpoint, pathStyle: true });
    const notices: string[] = [];
    const { setRetryListener } = await import('../../storage/index.js');
    setRetryListener((m) => notices.push(m));
    try {
      const got = await readBytes('s3://biglm-test/cut/file.bin');
      expect(sha(got)).toBe(sha(data));
      expect(proxy.cut).toBe(2);
      expect(notices.length).toBe(2);
      expect(notices[0]).toMatch(/^s3:\/\/biglm-test\/cut\/file\.bin:\d+: .*retry 1\/\d+ in \d+ ms from byte \d+/);
    } finally {
      setRetryListener((m) => process.stderr.write(`biglm: ${m}\n`));
      configureS3({});
      await proxy.close();
    }
  });

  it('fails instead of splicing when the object was replaced after it was listed', async () => {
    await writeObject('s3://biglm-test/change/f.jsonl', 'first version\n');
    const [listed] = await listGlob('s3://biglm-test/change/*.jsonl');
    await writeObject('s3://biglm-test/change/f.jsonl', 'second version, longer\n');
    const err = await readBytes(listed.location, { etag: listed.etag, size: listed.size }).catch((e) => e);
    expect(err).toBeInstanceOf(StorageChangedError);
    expect(err.message).toMatch(/^s3:\/\/biglm-test\/change\/f\.jsonl:0: the object changed while it was read/);
  });
});
