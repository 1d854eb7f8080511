// Tokenizer benchmark: encode throughput per core (ours vs raw tiktoken vs HF tokenizers vs
// gpt-tokenizer, same text, same run), BPE training time and held-out bytes/token vs HF's trainer,
// and the HTTP service under 32 concurrent clients. Real text: Brown corpus + SpamAssassin e-mails.
//
//   node dist/bench/tokenizer.js [--encode-mb 20] [--vocab-size 8449] [--serve-seconds 10]
//                                [--skip-encode] [--skip-train] [--skip-serve]

// HF's batch encoding would otherwise use every core; this compares one core against one core.
process.env.TOKENIZERS_PARALLELISM = 'false';

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { get_encoding } from 'tiktoken';
import { encode as gptEncode } from 'gpt-tokenizer/encoding/cl100k_base';
import { memoryLogger } from '../lib/log.js';
import { getEncoding } from '../tokenizer/index.js';
import { CL100K_PATTERN } from '../tokenizer/pattern.js';
import { trainTokenizer } from '../tokenizer/train/index.js';
import { realDocuments } from './tokenizer-corpus.js';
import { hfFromTiktoken, hfTruncated, hfUntrained } from './tokenizer-hf.js';

const { values: args } = parseArgs({
  options: {
    'encode-mb': { type: 'string', default: '20' },
    'vocab-size': { type: 'string', default: '8449' },
    'serve-seconds': { type: 'string', default: '10' },
    'skip-encode': { type: 'boolean', default: false },
    'skip-train': { type: 'boolean', default: false },
    'skip-serve': { type: 'boolean', default: false },
  },
});

const mb = (bytes: number) => bytes / 1e6;
const fmt = (x: number, d = 2) => x.toFixed(d);
const line = (s: string) => process.stdout.write(s + '\n');
const peakRss = () => `${fmt(process.resourceUsage().maxRSS / 1024, 0)} MB`;

function take(docs: string[], maxBytes: number): { docs: string[]; bytes: number } {
  const out: string[] = [];
  let bytes = 0;
  for (const d of docs) {
    if (bytes >= maxBytes) break;
    out.push(d);
    bytes += Buffer.byteLength(d);
  }
  return { docs: out, bytes };
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

async function benchEncode(all: string[]): Promise<void> {
  const { docs, bytes } = take(all, Number(args['encode-mb']) * 1e6);
  line(`\n## Encode throughput, cl100k_base, one core: ${docs.length} documents, ${fmt(mb(bytes), 1)} MB`);
  const ours = getEncoding('cl100k_base');
  const raw = get_encoding('cl100k_base');
  const hf = hfFromTiktoken('cl100k_base', CL100K_PATTERN);

  const results: { name: string; seconds: number; tokens: number }[] = [];
  const oursCold = await timed(() => docs.reduce((n, d) => n + ours.encode(d).length, 0));
  results.push({ name: 'biglm (piece cache, cold)', seconds: oursCold.seconds, tokens: oursCold.value });
  const oursWarm = await timed(() => docs.reduce((n, d) => n + ours.encode(d).length, 0));
  results.push({ name: 'biglm (piece cache, warm)', seconds: oursWarm.seconds, tokens: oursWarm.value });
  const rawRun = await timed(() => docs.reduce((n, d) => n + raw.encode_ordinary(d).length, 0));
  results.push({ name: 'tiktoken encode_ordinary', seconds: rawRun.seconds, tokens: rawRun.value });
  const hfRun = await timed(async () => {
    let n = 0;
    for (let i = 0; i < docs.length; i += 64) {
      for (const e of await hf.encodeBatch(docs.slice(i, i + 64), { addSpecialTokens: false })) n += e.getIds().length;
    }
    return n;
  });
  results.push({ name: 'HF tokenizers (native, 1 thread)', seconds: hfRun.seconds, tokens: hfRun.value });
  const gptRun = await timed(() =>
    docs.reduce((n, d) => n + gptEncode(d, { allowedSpecial: new Set(), disallowedSpecial: new Set() }).length, 0),
  );
  results.push({ name: 'gpt-tokenizer', seconds: gptRun.seconds, tokens: gptRun.value });

  // Exactness on the same text: every document's ids equal tiktoken's.
  let mismatched = 0;
  for (const d of docs) {
    const a = ours.encode(d);
    const b = raw.encode_ordinary(d);
    if (a.length !== b.length || !a.every((x, i) => x === b[i])) mismatched++;
  }
  const base = rawRun.seconds;
  line('| tokenizer | MB/s | tokens/s | tokens | vs tiktoken |');
  line('|---|---|---|---|---|');
  for (const r of results) {
    line(`| ${r.name} | ${fmt(mb(bytes) / r.seconds)} | ${fmt(r.tokens / r.seconds / 1e6)} M | ${r.tokens} | ${fmt(base / r.seconds)}× |`);
  }
  line(`documents whose ids differ from tiktoken's: ${mismatched} of ${docs.length}; peak RSS ${peakRss()}`);
  ours.free();
  raw.free();
}

async function benchTrain(all: string[]): Promise<void> {
  const vocabSize = Number(args['vocab-size']);
  const heldOut = all.filter((_, i) => i % 10 === 9);
  const train = all.filter((_, i) => i % 10 !== 9);
  const dir = mkdtempSync(path.join(tmpdir(), 'biglm-bench-bpe-'));
  try {
    const file = path.join(dir, 'train.txt');
    writeFileSync(file, train.join('\n'));
    const trainBytes = Buffer.byteLength(readFileSync(file));
    const heldBytes = heldOut.reduce((n, d) => n + Buffer.byteLength(d), 0);
    line(`\n## BPE training: ${fmt(mb(trainBytes), 1)} MB of text, vocabulary ${vocabSize} (${vocabSize - 257} merges), cl100k_base regex`);

    const ours = await timed(() => trainTokenizer({ inputs: [file], out: path.join(dir, 'ours'), vocabSize }, memoryLogger()));
    const oursRss = peakRss();
    const enc = getEncoding(path.join(dir, 'ours'));
    const oursTokens = heldOut.reduce((n, d) => n + enc.count(d), 0);
    enc.free();

    const hf = hfUntrained(CL100K_PATTERN);
    const hfTrain = await timed(() => hf.train([file]));
    hf.save(path.join(dir, 'hf.json'));
    // Same vocabulary size: HF's alphabet (the bytes seen) + merges + the EOS slot we also reserve.
    const { tokenizer, alphabet, merges } = hfTruncated(readFileSync(path.join(dir, 'hf.json'), 'utf8'), vocabSize - 1);
    let hfTokens = 0;
    for (let i = 0; i < heldOut.length; i += 64) {
      for (const e of await tokenizer.encodeBatch(heldOut.slice(i, i + 64), { addSpecialTokens: false })) hfTokens += e.getIds().length;
    }

    line('| trainer | seconds | held-out bytes/token |');
    line('|---|---|---|');
    line(`| biglm (${ours.value.sidecar.training!.merges} merges; count ${fmt(ours.value.seconds.count, 1)} s + merge ${fmt(ours.value.seconds.merge, 1)} s) | ${fmt(ours.seconds, 1)} | ${fmt(heldBytes / oursTokens, 4)} |`);
    line(`| HF tokenizers BpeTrainer (${hf.getVocabSize()} vocab, the binding's default; cut to ${alphabet} + ${merges} merges) | ${fmt(hfTrain.seconds, 1)} | ${fmt(heldBytes / hfTokens, 4)} |`);
    line(`held-out: ${heldOut.length} documents, ${fmt(mb(heldBytes), 1)} MB; bytes/token ours / HF = ${fmt(hfTokens / oursTokens, 4)} (1.0 = equal, > 1 = ours compresses better); peak RSS ${oursRss}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchServe(all: string[]): Promise<void> {
  const seconds = Number(args['serve-seconds']);
  const clients = 32;
  const maxRequests = 200_000;
  // 1 KB texts cut from the real documents.
  const texts: string[] = [];
  for (const d of all) {
    for (let i = 0; i + 1024 <= d.length && texts.length < 2000; i += 1024) texts.push(d.slice(i, i + 1024));
    if (texts.length >= 2000) break;
  }
  const cli = fileURLToPath(new URL('../cli/commands/serve.js', import.meta.url));
  // The server runs in its own process so the load generator does not share its event loop.
  const child = spawn(process.execPath, ['-e', `import(${JSON.stringify(cli)}).then((m) => m.serveCommand(['--port', '0', '--threads', '2'])).then((c) => process.exit(c))`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /listening on (\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
  });
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const post = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(`${url}/v1/tokenize`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  // Warm the workers' encodings.
  for (let i = 0; i < 4; i++) await post(JSON.stringify({ text: texts[i] }));
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline && next < maxRequests) {
        const body = JSON.stringify({ text: texts[next++ % texts.length] });
        const s = performance.now();
        const status = await post(body);
        latencies.push(performance.now() - s);
        if (status !== 200) failures++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  child.kill('SIGTERM');
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  line(`\n## Service: POST /v1/tokenize, 1 KB texts, ${clients} concurrent clients, ${fmt(elapsed, 1)} s, loopback, 2 worker threads`);
  line(`requests: ${latencies.length} (${failures} failed); ${fmt(latencies.length / elapsed, 0)} requests/s; latency p50 ${fmt(pct(0.5), 1)} ms, p99 ${fmt(pct(0.99), 1)} ms, max ${fmt(latencies[latencies.length - 1], 1)} ms`);
}

const docs = realDocuments();
const total = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
line(`# biglm tokenizer benchmark — ${docs.length} documents, ${fmt(mb(total), 1)} MB (Brown corpus + SpamAssassin), node ${process.version}`);
if (!args['skip-encode']) await benchEncode(docs);
if (!args['skip-train']) await benchTrain(docs);
if (!args['skip-serve']) await benchServe(docs);
line(`\npeak RSS ${peakRss()}`);
