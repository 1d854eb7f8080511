// Mixing throughput and peak memory, at two corpus sizes (default 10M and 100M mixed tokens), against
// two peers measured in the same run: a plain read of the source shards (the I/O ceiling) and the
// naive mixer that holds every picked document in memory and shuffles the array. Each measurement runs
// in its own child process so its peak RSS is its own.
//
//   node dist/bench/mix.js [--sizes 10e6,100e6] [--keep DIR]

import { fork } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '../lib/rng.js';
import { memoryLogger } from '../lib/log.js';
import { shardDocs } from '../formats/token-shards/read.js';
import { parseMixFile, type ResolvedMixFile } from '../pipeline/mix/schema.js';
import { buildMixture, prepareMixtures } from '../pipeline/mix/mix.js';
import { documentLengths, selectPartial } from '../pipeline/mix/select.js';
import { writeTokenRun, type TokenDoc } from '../pipeline/mix/run-writer.js';
import { brownTexts, writeTextRun } from '../pipeline/mix/text-run.js';

type Mode = 'read' | 'mix' | 'naive';

interface Measurement {
  mode: Mode;
  tokens: number;
  seconds: number;
  maxRssMB: number;
}

/** The mix: 60% press reportage (downsampled from 0.8 N), 40% fiction (upsampled 1.33× from 0.3 N). */
function mixFile(dir: string, size: number): ResolvedMixFile {
  return parseMixFile(
    {
      seed: 1,
      totalTokens: size,
      mixtures: [{ name: 'bench', sources: [{ run: 'news', weight: 0.6 }, { run: 'fiction', weight: 0.4, maxEpochs: 2 }] }],
    },
    dir,
  );
}

async function child(mode: Mode, dir: string, size: number): Promise<void> {
  const t0 = performance.now();
  const file = mixFile(dir, size);
  let tokens = 0;
  if (mode === 'read') {
    for (const name of ['news', 'fiction']) {
      const manifest = JSON.parse(await fs.readFile(path.join(dir, name, 'manifest.json'), 'utf8')) as { shards: { path: string }[] };
      for (const s of manifest.shards) for await (const d of shardDocs(path.join(dir, name, s.path))) tokens += d.tokens.length;
    }
  } else {
    const out = path.join(dir, `out-${mode}`);
    await fs.rm(out, { recursive: true, force: true });
    const [p] = await prepareMixtures(file, { out, log: memoryLogger(), verify: 'size' });
    if (mode === 'mix') {
      tokens = (await buildMixture(p, dir, memoryLogger())).totals.tokens;
    } else {
      // The naive peer: every picked document copied into one array, shuffled, written.
      const all: TokenDoc[] = [];
      for (const [i, s] of p.plan.sources.entries()) {
        const picked = s.partialTokens > 0 ? selectPartial(await documentLengths(p.runs[i]), s.partialTokens, new Rng(1, s.name)).selected : undefined;
        let j = 0;
        for (const shard of p.runs[i].manifest.shards) {
          for await (const d of shardDocs(path.join(p.runs[i].dir, shard.path))) {
            const copies = s.fullEpochs + (picked ? picked[j] : 0);
            for (let k = 0; k < copies; k++) all.push({ id: d.id, source: d.source, tokens: d.tokens.slice() });
            j++;
          }
        }
      }
      new Rng(1).shuffle(all);
      const m = await writeTokenRun(all, {
        runDir: p.outDir,
        tokenizer: p.runs[0].manifest.tokenizer,
        config: {},
        inputs: [],
        shardMaxBytes: 128 * 1024 * 1024,
        batchDocs: 1024,
      });
      tokens = m.totals.tokens;
    }
    await fs.rm(out, { recursive: true, force: true });
  }
  const result: Measurement = { mode, tokens, seconds: (performance.now() - t0) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  process.send!(result);
}

function measure(mode: Mode, dir: string, size: number): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const proc = fork(fileURLToPath(import.meta.url), ['--child', mode, dir, String(size)], { stdio: 'inherit' });
    let result: Measurement | undefined;
    proc.on('message', (m) => (result = m as Measurement));
    proc.on('error', reject);
    proc.on('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`bench child ${mode} exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: 'string' }, keep: { type: 'string' } } });
  const sizes = (values.sizes ?? '10e6,100e6').split(',').map(Number);
  console.log(`mixing benchmark (${os.cpus().length} cores, node ${process.version}): 60% news (downsampled) + 40% fiction (1.33 epochs)`);
  console.log('mode   mixed tokens   seconds   M tokens/s   peak RSS MB   vs read');
  const texts = { news: await brownTexts(/^ca/, 20), fiction: await brownTexts(/^ck/, 20) };
  const rss: Record<Mode, number[]> = { read: [], mix: [], naive: [] };
  for (const size of sizes) {
    const dir = values.keep ? path.resolve(values.keep, String(size)) : await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-bench-mix-'));
    try {
      await writeTextRun({ runDir: path.join(dir, 'news'), texts: texts.news, tokens: Math.round(size * 0.8), maxDocTokens: 2048 });
      await writeTextRun({ runDir: path.join(dir, 'fiction'), texts: texts.fiction, tokens: Math.round(size * 0.3), maxDocTokens: 2048 });
      const read = await measure('read', dir, size);
      const rows = [read, await measure('mix', dir, size), await measure('naive', dir, size)];
      for (const r of rows) {
        rss[r.mode].push(r.maxRssMB);
        const rate = r.tokens / r.seconds / 1e6;
        console.log(
          `${r.mode.padEnd(6)} ${r.tokens.toLocaleString('en-US').padStart(13)}   ${r.seconds.toFixed(2).padStart(7)}   ${rate.toFixed(1).padStart(10)}   ${r.maxRssMB.toFixed(0).padStart(11)}   ${(rate / (read.tokens / read.seconds / 1e6)).toFixed(2).padStart(7)}`,
        );
      }
    } finally {
      if (!values.keep) await fs.rm(dir, { recursive: true, force: true });
    }
  }
  if (sizes.length > 1) {
    const growth = (m: Mode) => (rss[m][rss[m].length - 1] / rss[m][0]).toFixed(2);
    console.log(`peak RSS from ${sizes[0] / 1e6}M to ${sizes[sizes.length - 1] / 1e6}M tokens: mix ×${growth('mix')}, naive ×${growth('naive')}, read ×${growth('read')}`);
  }
  console.log('read: one pass over the source shards (I/O ceiling; tokens = source tokens). mix: biglm mix (bounded memory).');
  console.log('naive: every picked document held in memory, shuffled, written. Peak RSS of mix should stay flat as size grows.');
}

if (process.argv[2] === '--child') {
  await child(process.argv[3] as Mode, process.argv[4], Number(process.argv[5]));
} else {
  await main();
}
