// The jobs API's guards: off without a token file, 401 without the bearer, and 403 — with no job made and
// nothing read — for a config that names a place outside the roots.
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../service/server.js';
import { client, makeRoots, prepareConfig, TOKEN, type Roots } from './fixtures.js';

let roots: Roots;
let service: Service;
beforeAll(async () => {
  roots = makeRoots(1, 5);
  // A file outside the data root, reachable only through links inside it.
  const secret = path.join(roots.dir, 'outside');
  mkdirSync(secret);
  writeFileSync(path.join(secret, 'secret.jsonl'), '{"text": "not yours"}\n');
  symlinkSync(secret, path.join(roots.data, 'escape'));
  symlinkSync(path.join(secret, 'secret.jsonl'), path.join(roots.data, 'docs', 'linked.jsonl'));
  service = await startService({ port: 0, threads: 1 }, { tokenFile: roots.tokenFile, dataRoot: roots.data, runsRoot: roots.runs });
});
afterAll(async () => {
  await service?.close();
  rmSync(roots.dir, { recursive: true, force: true });
});

describe('without --token-file', () => {
  it('the jobs API and the status page are off (404 saying how to turn them on); tokenizing still works', async () => {
    const plain = await startService({ port: 0, threads: 1 });
    try {
      for (const route of ['/v1/jobs', '/']) {
        const r = await fetch(plain.url + route, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(r.status).toBe(404);
        expect(((await r.json()) as { error: string }).error).toMatch(/jobs API is off; start biglm serve with --token-file/);
      }
      const tok = await fetch(`${plain.url}/v1/count`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hi there"}' });
      expect(await tok.json()).toEqual({ encoding: 'cl100k_base', count: 2 });
    } finally {
      await plain.close();
    }
  });
});

describe('starting with a weak token or a missing root', () => {
  it('refuses to start, naming the file or folder and the fix', async () => {
    const weak = path.join(roots.dir, 'weak-token');
    writeFileSync(weak, 'short\n');
    await expect(startService({ port: 0, threads: 1 }, { tokenFile: weak, dataRoot: roots.data, runsRoot: roots.runs })).rejects.toThrow(
      `--token-file ${weak}: the token is 5 characters; use at least 16 (e.g. openssl rand -hex 24)`,
    );
    await expect(startService({ port: 0, threads: 1 }, { tokenFile: roots.tokenFile, dataRoot: path.join(roots.dir, 'nope'), runsRoot: roots.runs })).rejects.toThrow(
      /--data-root .*nope: no such folder; create it first/,
    );
  });
});

describe('with --token-file', () => {
  it('401 without the bearer token or with a wrong one, on every jobs route and the status page', async () => {
    for (const token of [null, 'wrong-token-wrong-token-wrong-tok']) {
      const api = client(service.url, token);
      expect((await api.get('/v1/jobs')).status).toBe(401);
      expect((await api.get('/')).status).toBe(401);
      expect((await api.send('POST', '/v1/jobs', { kind: 'prepare', config: prepareConfig() })).status).toBe(401);
      expect((await api.get('/v1/jobs/job-abcdef/report')).status).toBe(401);
    }
    expect(readdirSync(roots.runs)).toEqual([]);
  });

  const api = () => client(service.url);
  it.each([
    ['/etc/passwd', /config\.inputs\[0\] = "\/etc\/passwd": outside --data-root/],
    ['../outside/secret.jsonl', /config\.inputs\[0\] = "\.\.\/outside\/secret\.jsonl": '\.\.' is not allowed/],
    ['docs/../../outside/*.jsonl', /'\.\.' is not allowed/],
    ['escape/secret.jsonl', /leads out of --data-root through a symbolic link/],
    ['escape/*.jsonl', /leads out of --data-root through a symbolic link/],
    ['docs/*.jsonl', /docs\/linked\.jsonl is a symbolic link out of --data-root/],
    ['s3://bucket/crawl/*.warc.gz', /the s3:\/\/ scheme is not allowed here/],
    ['https://example.com/dump.jsonl', /the https:\/\/ scheme is not allowed here/],
    ['file:///etc/passwd', /the file:\/\/ scheme is not allowed here/],
  ])('403 for input %s, and no job is made', async (input, message) => {
    const r = await api().send('POST', '/v1/jobs', { kind: 'prepare', config: prepareConfig([input]) });
    expect(r.status).toBe(403);
    expect(r.json.error).toMatch(message);
    expect(readdirSync(roots.runs)).toEqual([]);
  });

  it('403 for paths elsewhere in the config, stages loaded from modules, and runs outside --runs-root', async () => {
    const cases = [
      { kind: 'prepare', config: { ...prepareConfig(), stages: [{ type: 'file:///tmp/evil.js#run' }] } },
      { kind: 'prepare', config: { ...prepareConfig(), tokenizer: { name: '/etc/vocab' } } },
      { kind: 'prepare', config: { ...prepareConfig(), stages: [{ type: 'url_filter', blocklistFile: '/etc/shadow' }] } },
      { kind: 'mask', run: '/etc' },
      { kind: 'mask', run: '../data' },
      { kind: 'mix', config: { totalTokens: 10, mixtures: [{ name: 'm', sources: [{ run: '/tmp', weight: 1 }] }] } },
    ];
    for (const body of cases) {
      const r = await api().send('POST', '/v1/jobs', body);
      expect(r.status, JSON.stringify(body)).toBe(403);
    }
    expect(readdirSync(roots.runs)).toEqual([]);
  });

  it('404 for job ids that are not ids (no path is built from them)', async () => {
    expect((await api().get('/v1/jobs/..%2F..%2Fetc')).status).toBe(404);
    expect((await api().get('/v1/jobs/job-nosuchjob/report')).status).toBe(404);
  });
});
