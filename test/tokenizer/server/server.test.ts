// Over real HTTP on loopback, against compiled workers (run `npx tsc -p .` first).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get_encoding } from 'tiktoken';
import { memoryLogger } from '../../../lib/log.js';
import { startTokenizerServer, type TokenizerServer } from '../../../tokenizer/server/server.js';
import { trainTokenizer } from '../../../tokenizer/train/index.js';

const TOKEN = 'sekret-token';
let server: TokenizerServer;
const dir = mkdtempSync(path.join(tmpdir(), 'biglm-serve-'));
const ref = get_encoding('cl100k_base');

beforeAll(async () => {
  const corpus = path.join(dir, 'corpus.txt');
  writeFileSync(corpus, 'the cat sat on the mat. the dog sat on the log.\n'.repeat(50));
  await trainTokenizer({ inputs: [corpus], out: path.join(dir, 'pets'), vocabSize: 270 }, memoryLogger());
  server = await startTokenizerServer({ port: 0, token: TOKEN, maxBodyBytes: 12 * 1024 * 1024, threads: 2, vocabularies: [path.join(dir, 'pets')] });
});
afterAll(async () => {
  await server?.close();
  ref.free();
  rmSync(dir, { recursive: true, force: true });
});

async function call(route: string, body?: unknown, init: { token?: string | null; method?: string; raw?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = init.token === undefined ? TOKEN : init.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(server.url + route, {
    method: init.method ?? (body === undefined && init.raw === undefined ? 'GET' : 'POST'),
    headers,
    body: init.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

describe('the tokenizer service', () => {
  it('listens on loopback and answers the health check without a token', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await call('/healthz', undefined, { token: null })).toEqual({
      status: 200,
      json: { ok: true, threads: 2, running: { small: 0, large: 0 }, queued: { small: 0, large: 0 } },
    });
  });

  it('tokenizes one text with tiktoken’s ids', async () => {
    const text = 'Hello, world! Tokenizers turn text into ids.';
    const { status, json } = await call('/v1/tokenize', { text });
    expect(status).toBe(200);
    expect(json).toEqual({ encoding: 'cl100k_base', ids: [...ref.encode_ordinary(text)], count: ref.encode_ordinary(text).length });
  });

  it('tokenizes a batch, counts, and detokenizes back', async () => {
    const texts = ['one', 'two words', '', '東京 🙂'];
    const tok = await call('/v1/tokenize', { encoding: 'gpt2', texts });
    expect(tok.status).toBe(200);
    expect(tok.json.results.map((r: { count: number }) => r.count)).toEqual([1, 2, 0, tok.json.results[3].ids.length]);
    const count = await call('/v1/count', { encoding: 'gpt2', texts });
    expect(count.json).toMatchObject({ counts: [1, 2, 0, tok.json.results[3].count], count: tok.json.count });
    const back = await call('/v1/detokenize', { encoding: 'gpt2', batch: tok.json.results.map((r: { ids: number[] }) => r.ids) });
    expect(back.json.texts).toEqual(texts);
    const one = await call('/v1/count', { text: 'hello world' });
    expect(one.json).toEqual({ encoding: 'cl100k_base', count: 2 });
  });

  it('serves a trained vocabulary under its name and lists every encoding', async () => {
    const { json } = await call('/v1/encodings');
    expect(json.default).toBe('cl100k_base');
    expect(json.encodings.map((e: { name: string }) => e.name)).toEqual(['gpt2', 'r50k_base', 'p50k_base', 'cl100k_base', 'o200k_base', 'pets']);
    const pets = json.encodings.find((e: { name: string }) => e.name === 'pets');
    expect(pets).toMatchObject({ source: 'trained', vocabSize: 270, eosId: 269, embeddingSize: 384 });
    const tok = await call('/v1/tokenize', { encoding: 'pets', text: 'the cat sat on the mat.' });
    expect(tok.status).toBe(200);
    expect((await call('/v1/detokenize', { encoding: 'pets', ids: tok.json.ids })).json.text).toBe('the cat sat on the mat.');
  });

  describe('refuses bad requests with a clear 4xx', () => {
    it('401 without the bearer token, or with a wrong one', async () => {
      expect(await call('/v1/count', { text: 'x' }, { token: null })).toEqual({ status: 401, json: { error: 'missing or wrong bearer token' } });
      expect((await call('/v1/count', { text: 'x' }, { token: 'nope' })).status).toBe(401);
    });
    it('400 for an unknown encoding, naming the known ones', async () => {
      expect(await call('/v1/tokenize', { encoding: 'bert', text: 'x' })).toEqual({
        status: 400,
        json: { error: "unknown encoding 'bert'; known: gpt2, r50k_base, p50k_base, cl100k_base, o200k_base, pets" },
      });
    });
    it('400 for wrong types, missing or extra fields', async () => {
      const wrongType = await call('/v1/tokenize', { text: 42 });
      expect(wrongType.status).toBe(400);
      expect(wrongType.json.error).toMatch(/^text: /);
      expect((await call('/v1/tokenize', {})).json.error).toBe('give exactly one of `text` or `texts`');
      expect((await call('/v1/tokenize', { text: 'a', texts: ['b'] })).status).toBe(400);
      expect((await call('/v1/tokenize', { text: 'a', extra: 1 })).json.error).toMatch(/unrecognized key/i);
      expect((await call('/v1/detokenize', { ids: [1, -2] })).json.error).toMatch(/^ids\.1: /);
      expect((await call('/v1/detokenize', { ids: [1.5] })).status).toBe(400);
      expect((await call('/v1/tokenize', null)).status).toBe(400);
    });
    it('400 for ids that name no token', async () => {
      expect(await call('/v1/detokenize', { ids: [100256] })).toMatchObject({ status: 400, json: { error: expect.stringMatching(/id 100256 at position 0 is not a token/) } });
    });
    it('400 for a body that is not JSON', async () => {
      const r = await call('/v1/tokenize', undefined, { raw: '{"text": "unterminated' });
      expect(r.status).toBe(400);
      expect(r.json.error).toMatch(/not UTF-8 JSON/);
    });
    it('400 for a body that is not UTF-8', async () => {
      const res = await fetch(`${server.url}/v1/tokenize`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: Uint8Array.from([0x7b, 0x22, 0x74, 0xff, 0xfe, 0x7d]),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/not UTF-8 JSON/);
    });
    it('survives a client that sends garbage instead of HTTP', async () => {
      const { port } = new URL(server.url);
      await new Promise<void>((resolve) => {
        const sock = connect(Number(port), '127.0.0.1', () => sock.end('\x00\x01 NOT HTTP AT ALL\r\n\r\n'));
        sock.on('close', () => resolve());
        sock.on('error', () => resolve());
        sock.resume();
      });
      expect((await call('/healthz')).status).toBe(200);
    });
    it('404 for unknown routes and 405 for wrong methods', async () => {
      expect((await call('/v2/tokenize', { text: 'x' })).status).toBe(404);
      expect((await call('/v1/tokenize')).status).toBe(405);
      expect((await call('/v1/encodings', { x: 1 })).status).toBe(405);
    });
    it('413 for a body over the limit, and keeps serving', async () => {
      const r = await call('/v1/count', { text: 'x'.repeat(13 * 1024 * 1024) });
      expect(r.status).toBe(413);
      expect(r.json.error).toBe('request body larger than 12582912 bytes');
      expect((await call('/healthz')).status).toBe(200);
    });
  });

  it('tokenizes a 10 MB body exactly', async () => {
    const line = 'The quick brown fox jumps over the lazy dog; 1234 Übermäßig 東京 🙂\n';
    const n = Math.ceil((10 * 1024 * 1024) / Buffer.byteLength(line));
    const text = line.repeat(n);
    const { status, json } = await call('/v1/tokenize', { text });
    expect(status).toBe(200);
    // The expected ids: the line's ids n times (no piece spans "\n" into a letter; checked on 3 lines).
    const lineIds = [...ref.encode_ordinary(line)];
    expect([...ref.encode_ordinary(line.repeat(3))]).toEqual([...lineIds, ...lineIds, ...lineIds]);
    const want = new Uint32Array(n * lineIds.length);
    for (let i = 0; i < n; i++) want.set(lineIds, i * lineIds.length);
    expect(json.count).toBe(want.length);
    expect(Buffer.from(Uint32Array.from(json.ids).buffer).equals(Buffer.from(want.buffer, want.byteOffset, want.byteLength))).toBe(true);
  });

  it('answers 64 concurrent requests correctly, health checks included', async () => {
    const texts = Array.from({ length: 64 }, (_, i) => `request number ${i}: ${'word '.repeat(i * 10)}`);
    const results = await Promise.all([
      ...texts.map((text) => call('/v1/count', { text })),
      ...Array.from({ length: 8 }, () => call('/healthz')),
    ]);
    results.slice(0, 64).forEach((r, i) => expect(r.json.count).toBe(ref.encode_ordinary(texts[i]).length));
    results.slice(64).forEach((r) => expect(r.status).toBe(200));
  });
});

describe('starting the service', () => {
  it('fails at start for a default encoding it does not offer', async () => {
    await expect(startTokenizerServer({ port: 0, defaultEncoding: 'nope' })).rejects.toThrow(/default encoding 'nope' is not offered; known: gpt2/);
  });
  it('takes the token from BIGLM_TOKEN', async () => {
    process.env.BIGLM_TOKEN = 'from-env';
    const s = await startTokenizerServer({ port: 0, threads: 1 });
    try {
      expect((await fetch(`${s.url}/v1/encodings`)).status).toBe(401);
      expect((await fetch(`${s.url}/v1/encodings`, { headers: { authorization: 'Bearer from-env' } })).status).toBe(200);
    } finally {
      delete process.env.BIGLM_TOKEN;
      await s.close();
    }
  });
});
