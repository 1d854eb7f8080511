// The service under abuse, over real HTTP against compiled workers: large requests never take every
// thread, a full queue answers 503 with Retry-After, a request past its time limit is stopped, and the
// service keeps answering afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEncoding } from '../../tokenizer/index.js';
import { startTokenizerServer, type TokenizerServer } from '../../tokenizer/server/server.js';
import { randomLetters } from './helpers.js';

const json = { 'content-type': 'application/json' };
const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: json, body: JSON.stringify(body) });

describe('two 200 KB requests and a 5-byte one', () => {
  let server: TokenizerServer;
  beforeAll(async () => {
    server = await startTokenizerServer({ port: 0, threads: 2 });
    // Both threads load cl100k before the test, so what it times is waiting, not loading.
    await Promise.all([post(`${server.url}/v1/count`, { text: 'warm' }), post(`${server.url}/v1/count`, { text: 'up' })]);
  });
  afterAll(() => server?.close());

  it('answers the 5-byte request while both large ones still run, and the large ones exactly', async () => {
    const big = [randomLetters(200_000, 1), randomLetters(200_000, 2)];
    const started = performance.now();
    const large = big.map(async (text) => {
      const res = await post(`${server.url}/v1/count`, { text });
      return { status: res.status, body: (await res.json()) as { count: number }, at: performance.now() - started };
    });
    // Let both large bodies arrive and start before the small one.
    await new Promise((r) => setTimeout(r, 150));
    const t0 = performance.now();
    const small = await post(`${server.url}/v1/tokenize`, { text: 'hello' });
    const smallMs = performance.now() - t0;
    // The health check shows the load: one large request on a thread, the other waiting for it.
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { running: { large: number }; queued: { large: number } };
    expect(health.running.large + health.queued.large).toBeGreaterThanOrEqual(1);
    expect(health.running.large).toBeLessThanOrEqual(1);
    expect(small.status).toBe(200);
    expect(await small.json()).toEqual({ encoding: 'cl100k_base', ids: [15339], count: 1 });
    const done = await Promise.all(large);
    // tiktoken itself takes minutes on a 200 KB piece (quadratic merge); ours is checked against it in test/tokenizer.
    const ref = getEncoding('cl100k_base');
    done.forEach((d, i) => expect(d).toMatchObject({ status: 200, body: { count: ref.count(big[i]) } }));
    ref.free();
    // The small request did not wait for a large one to finish.
    expect(smallMs).toBeLessThan(Math.min(...done.map((d) => d.at)));
    // Under 5 s even on a loaded 2-core machine (before: no answer within 20 s); typically ~50 ms.
    expect(smallMs).toBeLessThan(5000);
    console.log(`5-byte request answered in ${smallMs.toFixed(0)} ms; large ones in ${done.map((d) => d.at.toFixed(0)).join(', ')} ms`);
  });
});

describe('limits', () => {
  let server: TokenizerServer;
  beforeAll(async () => {
    server = await startTokenizerServer({ port: 0, threads: 2, maxQueue: 0, maxTexts: 3 });
  });
  afterAll(() => server?.close());

  it('503 with Retry-After when the large-request queue is full, and small requests still pass', async () => {
    const text = randomLetters(300_000, 3);
    // Two large requests at once: one runs (large ones never take the last thread), the other finds no room.
    const both = [0, 1].map(async () => {
      const res = await post(`${server.url}/v1/count`, { text });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: string; count?: number } };
    });
    await new Promise((r) => setTimeout(r, 100));
    expect((await post(`${server.url}/v1/count`, { text: 'still here' })).status).toBe(200);
    const [a, b] = await Promise.all(both);
    const [ok, refused] = a.status === 200 ? [a, b] : [b, a];
    expect(ok.status).toBe(200);
    expect(refused.status).toBe(503);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused.body.error).toMatch(/^busy: the large-request queue is full; retry after \d+ s$/);
  });

  it('stops a request past its time limit with 503, then serves the next on a fresh thread', async () => {
    const timed = await startTokenizerServer({ port: 0, threads: 1, requestTimeoutMs: 2000 });
    try {
      await stopsPastTheLimit(timed);
    } finally {
      await timed.close();
    }
  });

  it('413 for a batch with more texts than allowed', async () => {
    const res = await post(`${server.url}/v1/tokenize`, { texts: ['a', 'b', 'c', 'd'] });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'texts holds 4 entries; at most 3 per request: split the batch' });
    const ids = await post(`${server.url}/v1/detokenize`, { batch: [[1], [2], [3], [4]] });
    expect(ids.status).toBe(413);
  });
});

async function stopsPastTheLimit(server: TokenizerServer): Promise<void> {
  const t0 = performance.now();
  const res = await post(`${server.url}/v1/count`, { text: randomLetters(4_000_000, 4) });
  expect(res.status).toBe(503);
  expect(((await res.json()) as { error: string }).error).toBe('request stopped after 2 s (the per-request limit); send the texts in smaller requests');
  expect(performance.now() - t0).toBeLessThan(8000);
  // The stopped thread is replaced; its successor loads the encoding before answering.
  const next = await fetch(`${server.url}/v1/count`, { method: 'POST', headers: json, body: JSON.stringify({ text: 'hello world' }) });
  expect(await next.json()).toEqual({ encoding: 'cl100k_base', count: 2 });
}
