// Serve benchmark: latency of small tokenize requests (p50/p99) while large ones keep every client busy,
// with the thread kept for small requests (the default) and without it (every request one kind, as before
// admission lanes), alternating in one run. Absolute times depend on the machine's load; compare the ratio.
//
//   node dist/bench/serve.js [--rounds 2] [--small 50] [--threads 2]
//
// Also the price: large requests alone get threads − 1 threads with lanes, so their throughput is measured too.

import { parseArgs } from 'node:util';
import { startTokenizerServer } from '../tokenizer/server/server.js';
import { randomLetters } from './serve-text.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    small: { type: 'string', default: '50' },
    threads: { type: 'string', default: '2' },
  },
});
const rounds = Number(args.rounds);
const smallCount = Number(args.small);
const threads = Number(args.threads);
const line = (s: string) => process.stdout.write(s + '\n');

const headers = { 'content-type': 'application/json' };
const largeBody = JSON.stringify({ text: randomLetters(200_000, 11) });
const smallBody = JSON.stringify({ text: 'hello' });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Large requests per second with `clients` clients and nothing else running, over `seconds`. */
async function largeThroughput(url: string, clients: number, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        await (await fetch(`${url}/v1/count`, { method: 'POST', headers, body: largeBody })).arrayBuffer();
        done++;
      }
    }),
  );
  return done / seconds;
}

/** Small requests one after another while `largeClients` clients each keep one large request in flight. */
async function measure(url: string, largeClients: number): Promise<{ p50: number; p99: number; large: number }> {
  let stop = false;
  let large = 0;
  const loaders = Array.from({ length: largeClients }, async () => {
    while (!stop) {
      const res = await fetch(`${url}/v1/count`, { method: 'POST', headers, body: largeBody });
      await res.arrayBuffer();
      large++;
    }
  });
  await new Promise((r) => setTimeout(r, largeClients > 0 ? 300 : 0));
  const times: number[] = [];
  for (let i = 0; i < smallCount; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/v1/count`, { method: 'POST', headers, body: smallBody });
    await res.arrayBuffer();
    times.push(performance.now() - t0);
  }
  stop = true;
  await Promise.all(loaders);
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), large };
}

async function main(): Promise<void> {
  line(`serve: ${smallCount} small (5-byte) requests per measurement, ${threads} threads, large = 200 KB one-piece texts`);
  line('(absolute ms depend on machine load; compare the lanes / one-queue ratio of the same round)');
  line('round  setup                    p50 ms   p99 ms   large done  peak RSS MB');
  const servers = {
    lanes: await startTokenizerServer({ port: 0, threads }),
    'one queue': await startTokenizerServer({ port: 0, threads, smallBytes: Number.MAX_SAFE_INTEGER }),
  };
  try {
    for (const s of Object.values(servers)) await measure(s.url, 0); // warm the threads
    const sums = { lanes: 0, 'one queue': 0 };
    for (let r = 1; r <= rounds; r++) {
      for (const [name, s] of Object.entries(servers) as [keyof typeof servers, (typeof servers)['lanes']][]) {
        const idle = await measure(s.url, 0);
        const busy = await measure(s.url, threads);
        sums[name] += busy.p99;
        const rss = process.resourceUsage().maxRSS / 1024;
        line(`${String(r).padEnd(6)} ${`${name}, idle`.padEnd(24)} ${idle.p50.toFixed(1).padStart(7)}  ${idle.p99.toFixed(1).padStart(7)}  ${'-'.padStart(10)}  ${rss.toFixed(0).padStart(11)}`);
        line(`${String(r).padEnd(6)} ${`${name}, ${threads} large clients`.padEnd(24)} ${busy.p50.toFixed(1).padStart(7)}  ${busy.p99.toFixed(1).padStart(7)}  ${String(busy.large).padStart(10)}  ${rss.toFixed(0).padStart(11)}`);
      }
    }
    line(`p99 of small requests under load, one queue / lanes: ${(sums['one queue'] / sums.lanes).toFixed(1)}×`);
    const rate = { lanes: 0, 'one queue': 0 };
    for (let r = 0; r < rounds; r++) for (const [name, s] of Object.entries(servers) as [keyof typeof rate, (typeof servers)['lanes']][]) rate[name] += await largeThroughput(s.url, threads, 4);
    line(
      `large requests alone (${threads} clients, 4 s × ${rounds}): lanes ${(rate.lanes / rounds).toFixed(2)}/s, one queue ${(rate['one queue'] / rounds).toFixed(2)}/s ` +
        `(lanes keep a thread for small requests; --small-bytes at the body limit gives large ones every thread)`,
    );
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.close()));
  }
}

await main();
