// Tokenizer latency while a job runs: p50/p99 of small tokenize requests with the service idle and while
// a prepare job (its own process, --job-workers 1) tokenizes a generated corpus, alternating in one run.
// Absolute times depend on the machine's load; compare busy / idle within a round.
//
//   node dist/bench/serve-jobs.js [--rounds 2] [--small 200] [--docs 40000]

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { startService } from '../service/server.js';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '2' }, small: { type: 'string', default: '200' }, docs: { type: 'string', default: '40000' } },
});
const line = (s: string) => process.stdout.write(s + '\n');
const TOKEN = 'bench-token-0123456789abcdef';

function corpus(dir: string, docs: number): void {
  const words = 'the river city garden morning letter quiet station market winter bright people walked talked along through'.split(' ');
  mkdirSync(path.join(dir, 'docs'), { recursive: true });
  const files = 4;
  for (let f = 0; f < files; f++) {
    const lines: string[] = [];
    for (let d = 0; d < docs / files; d++) {
      const n = 80 + ((f * 31 + d * 17) % 200);
      lines.push(JSON.stringify({ text: Array.from({ length: n }, (_, i) => words[(f * 7 + d * 13 + i * i) % words.length]).join(' ') + ` ${f}-${d}.` }));
    }
    writeFileSync(path.join(dir, 'docs', `part-${f}.jsonl`), lines.join('\n') + '\n');
  }
}

async function smallLatencies(url: string, n: number): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/v1/tokenize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hello world"}' });
    await res.arrayBuffer();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n / 2)], p99: times[Math.min(n - 1, Math.floor(n * 0.99))] };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'biglm-bench-jobs-'));
  const data = path.join(dir, 'data');
  const runs = path.join(dir, 'runs');
  mkdirSync(runs, { recursive: true });
  corpus(data, Number(args.docs));
  writeFileSync(path.join(dir, 'token'), TOKEN);
  const service = await startService({ port: 0, threads: 2 }, { tokenFile: path.join(dir, 'token'), dataRoot: data, runsRoot: runs, jobWorkers: 1 });
  const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const n = Number(args.small);
  try {
    line(`serve-jobs: ${n} small tokenize requests per measurement; job = prepare of ${args.docs} generated documents (gpt2), 1 worker`);
    line('(absolute ms depend on machine load; compare busy / idle of the same round)');
    line('round  service          p50 ms   p99 ms  job state after  peak RSS MB (this process)');
    await smallLatencies(service.url, 20);
    for (let r = 1; r <= Number(args.rounds); r++) {
      const idle = await smallLatencies(service.url, n);
      line(`${String(r).padEnd(6)} ${'idle'.padEnd(15)} ${idle.p50.toFixed(1).padStart(7)}  ${idle.p99.toFixed(1).padStart(7)}  ${'-'.padStart(15)}  ${(process.resourceUsage().maxRSS / 1024).toFixed(0).padStart(8)}`);
      const created = (await (await fetch(`${service.url}/v1/jobs`, { method: 'POST', headers: auth, body: JSON.stringify({ kind: 'prepare', config: { inputs: ['docs/*.jsonl'], reader: { format: 'jsonl' }, stages: [], tokenizer: { name: 'gpt2' }, seed: r } }) })).json()) as { id: string };
      const state = async () => ((await (await fetch(`${service.url}/v1/jobs/${created.id}`, { headers: auth })).json()) as { state: string }).state;
      while ((await state()) === 'queued') await new Promise((res) => setTimeout(res, 100));
      await new Promise((res) => setTimeout(res, 1500)); // past the command's start-up, into tokenizing
      const busy = await smallLatencies(service.url, n);
      const after = await state();
      line(`${String(r).padEnd(6)} ${'job running'.padEnd(15)} ${busy.p50.toFixed(1).padStart(7)}  ${busy.p99.toFixed(1).padStart(7)}  ${after.padStart(15)}  ${(process.resourceUsage().maxRSS / 1024).toFixed(0).padStart(8)}`);
      if (after === 'running') await fetch(`${service.url}/v1/jobs/${created.id}`, { method: 'DELETE', headers: auth });
      while (['running', 'queued'].includes(await state())) await new Promise((res) => setTimeout(res, 200));
    }
  } finally {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
