// A data root with JSONL documents, a runs root and a token file, in a temporary folder, and an HTTP
// client for the jobs API.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const TOKEN = 'a-test-token-of-32-characters-xx';

export interface Roots {
  dir: string;
  data: string;
  runs: string;
  tokenFile: string;
}

/** `files` JSONL files of `docs` distinct English-looking documents each, under data/docs/. */
export function makeRoots(files = 2, docs = 40): Roots {
  const dir = mkdtempSync(path.join(tmpdir(), 'biglm-service-'));
  const data = path.join(dir, 'data');
  const runs = path.join(dir, 'runs');
  mkdirSync(path.join(data, 'docs'), { recursive: true });
  mkdirSync(runs);
  const words = 'the a river city garden morning letter quiet station market winter bright old new people walked talked along through'.split(' ');
  for (let f = 0; f < files; f++) {
    const lines: string[] = [];
    for (let d = 0; d < docs; d++) {
      const n = 60 + ((f * 31 + d * 17) % 80);
      const text = Array.from({ length: n }, (_, i) => words[(f * 7 + d * 13 + i * i) % words.length]).join(' ');
      lines.push(JSON.stringify({ id: `f${f}-d${d}`, text: `Document ${f}-${d}. ${text}.` }));
    }
    writeFileSync(path.join(data, 'docs', `part-${f}.jsonl`), lines.join('\n') + '\n');
  }
  const tokenFile = path.join(dir, 'token');
  writeFileSync(tokenFile, TOKEN + '\n');
  return { dir, data, runs, tokenFile };
}

export const prepareConfig = (inputs: string[] = ['docs/*.jsonl']) => ({
  inputs,
  reader: { format: 'jsonl' },
  stages: [],
  tokenizer: { name: 'gpt2' },
});

export function client(base: string, token: string | null = TOKEN) {
  const headers = (extra: Record<string, string> = {}) => ({ ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra });
  return {
    async get(route: string) {
      const res = await fetch(base + route, { headers: headers() });
      const type = res.headers.get('content-type') ?? '';
      return { status: res.status, type, json: type.includes('json') ? ((await res.json()) as any) : undefined, text: type.includes('json') ? '' : await res.text() };
    },
    async send(method: string, route: string, body?: unknown) {
      const res = await fetch(base + route, {
        method,
        headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as any };
    },
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 40_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
