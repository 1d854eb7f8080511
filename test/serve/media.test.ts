// Content-Type and Content-Encoding of tokenizer requests: 415 naming what is accepted; gzip, deflate and
// br bodies decoded, with the size limit applied after decoding.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTokenizerServer, type TokenizerServer } from '../../tokenizer/server/server.js';

let server: TokenizerServer;
beforeAll(async () => {
  server = await startTokenizerServer({ port: 0, threads: 1, maxBodyBytes: 1024 * 1024 });
});
afterAll(() => server?.close());

async function post(headers: Record<string, string>, body: Uint8Array | string) {
  const res = await fetch(`${server.url}/v1/count`, { method: 'POST', headers, body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
const request = JSON.stringify({ text: 'hello world' });

describe('Content-Type', () => {
  it.each(['text/plain', 'image/png', 'x-unknown', 'application/x-www-form-urlencoded'])('415 for %s, naming application/json', async (type) => {
    expect(await post({ 'content-type': type }, request)).toEqual({
      status: 415,
      json: { error: `Content-Type '${type}' is not supported; send application/json (UTF-8)` },
    });
  });
  it('415 for JSON in another charset', async () => {
    const r = await post({ 'content-type': 'application/json; charset=latin1' }, request);
    expect(r).toEqual({ status: 415, json: { error: "charset 'latin1' is not supported; send UTF-8 JSON (charset=utf-8)" } });
  });
  it('accepts application/json with or without charset=utf-8, and a body without a type', async () => {
    for (const headers of [{ 'content-type': 'application/json' }, { 'content-type': 'Application/JSON; charset="UTF-8"' }, {}]) {
      const body = new TextEncoder().encode(request); // a Uint8Array body gets no Content-Type from fetch
      expect(await post(headers, body)).toEqual({ status: 200, json: { encoding: 'cl100k_base', count: 2 } });
    }
  });
});

describe('Content-Encoding', () => {
  const json = { 'content-type': 'application/json' };
  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('decodes a %s body', async (coding, compress) => {
    expect(await post({ ...json, 'content-encoding': coding }, compress(request))).toEqual({ status: 200, json: { encoding: 'cl100k_base', count: 2 } });
  });
  it('415 for an encoding it does not know, naming the accepted ones', async () => {
    expect(await post({ ...json, 'content-encoding': 'x-unknown' }, request)).toEqual({
      status: 415,
      json: { error: "Content-Encoding 'x-unknown' is not supported; accepted: identity, gzip, deflate, br" },
    });
  });
  it('400 for a body that is not what its encoding says', async () => {
    const r = await post({ ...json, 'content-encoding': 'gzip' }, request);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/^request body is not valid gzip: /);
  });
  it('413 for a gzip bomb: small on the wire, over the limit once decoded', async () => {
    const bomb = gzipSync(JSON.stringify({ text: 'a'.repeat(4 * 1024 * 1024) }));
    expect(bomb.length).toBeLessThan(20_000);
    const r = await post({ ...json, 'content-encoding': 'gzip' }, bomb);
    expect(r).toEqual({ status: 413, json: { error: 'request body larger than 1048576 bytes once decoded (gzip)' } });
    expect((await post(json, request)).status).toBe(200);
  });
});
