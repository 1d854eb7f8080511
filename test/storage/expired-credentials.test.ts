// Credentials that expire in the middle of a run: the S3 endpoint (s3rver behind a node:http proxy that answers
// ExpiredToken, the way AWS does, for the old key) refuses a read; the read takes credentials again — here the
// environment now holds new ones — and goes on. A key refused for good is not retried.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request, type Server } from 'node:http';
import { configureS3, readBytes, setRetryListener, StorageAccessError, writeObject } from '../../storage/index.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';

let s3: TestS3;
let proxy: Server;
let proxyUrl: string;
const expired: string[] = [];
/** Requests to refuse as expired whatever their key (a token that runs out once, then is refreshed by its provider). */
let expireNext = 0;

beforeAll(async () => {
  s3 = await startS3(['creds']);
  proxy = createServer((req, res) => {
    if (expireNext > 0 || /Credential=EXPIRING\//.test(req.headers.authorization ?? '')) {
      expireNext = Math.max(0, expireNext - 1);
      expired.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(400, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>');
      return;
    }
    const up = request({ host: '127.0.0.1', port: s3.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
});

afterAll(async () => {
  configureS3({});
  setRetryListener((m) => process.stderr.write(`biglm: ${m}\n`));
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await s3?.close();
});

describe('expired S3 credentials', () => {
  it('are read again once, and the read goes on with the new ones', async () => {
    await writeObject('s3://creds/a.txt', 'the object');
    configureS3({ endpoint: proxyUrl, pathStyle: true });
    process.env.AWS_ACCESS_KEY_ID = 'EXPIRING';
    const notices: string[] = [];
    // what a credentials helper or a refreshed profile does: new keys appear while the old ones are refused
    setRetryListener((m) => {
      notices.push(m);
      process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    });
    try {
      expect((await readBytes('s3://creds/a.txt')).toString()).toBe('the object');
      expect(expired).toEqual(['GET /creds/a.txt?x-id=GetObject']);
      expect(notices).toEqual(['s3://creds/a.txt:0: credentials expired; reading them again and retrying']);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    }
  });

  it('end the read with an access error when the new ones are refused too', async () => {
    configureS3({ endpoint: proxyUrl, pathStyle: true });
    process.env.AWS_ACCESS_KEY_ID = 'EXPIRING';
    setRetryListener(() => {});
    try {
      const err = await readBytes('s3://creds/a.txt').catch((e) => e);
      expect(err).toBeInstanceOf(StorageAccessError);
      expect(err.message).toMatch(/^s3:\/\/creds\/a\.txt: access denied \(ExpiredToken: The provided token has expired\.\)/);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    }
  });

  it('are read again once for a listing, a stat, a write and a delete too', async () => {
    const { deleteObject, listGlob, statObject } = await import('../../storage/index.js');
    configureS3({ endpoint: proxyUrl, pathStyle: true });
    expired.length = 0;
    expireNext = 1;
    await writeObject('s3://creds/b.txt', 'written after a refresh');
    expireNext = 1;
    expect((await statObject('s3://creds/b.txt'))?.size).toBe('written after a refresh'.length);
    expireNext = 1;
    expect((await listGlob('s3://creds/*.txt')).map((o) => o.location)).toEqual(['s3://creds/a.txt', 's3://creds/b.txt']);
    expireNext = 1;
    await deleteObject('s3://creds/b.txt');
    expect(await statObject('s3://creds/b.txt')).toBeUndefined();
    expect(expired.map((r) => r.split(' ')[0])).toEqual(['PUT', 'HEAD', 'GET', 'DELETE']);
  });
});
