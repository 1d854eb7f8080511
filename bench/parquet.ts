// The Parquet reader (hyparquet, row group by row group) against parquetjs-lite (its row-group reader, with
// the footer-version and RLE_DICTIONARY workarounds it needs for pyarrow files): rows read, MB/s and peak
// RSS on one file pyarrow writes (SNAPPY, dictionary pages, ~64 MB row groups of web-like text). Each case
// runs in its own process, alternating A B A B, so its peak RSS is its own and load drifts hit both alike.
//
//   npx tsc -p . && node dist/bench/parquet.js [--mb 1000] [--rounds 2]
//
// Needs a python3 with pyarrow (BIGLM_PYTHON names one); without it the bench says so and skips.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryLogger } from '../lib/log.js';
import type { StageContext } from '../pipeline/core/stage.js';
import { StatsRecorder } from '../pipeline/core/stats.js';
import { parquetSchema, readParquet } from '../pipeline/readers/parquet.js';

const here = fileURLToPath(import.meta.url);
const WORK = path.join(tmpdir(), 'biglm-bench-parquet');

type Which = 'hyparquet' | 'parquetjs-lite';
interface Result {
  which: Which;
  rows: number;
  read: number;
  seconds: number;
  peakRssMB: number;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function findPython(): string | undefined {
  for (const p of [process.env.BIGLM_PYTHON, 'python3'].filter(Boolean) as string[]) {
    if (spawnSync(p, ['-c', 'import pyarrow'], { stdio: 'ignore' }).status === 0) return p;
  }
  return undefined;
}

function makeFile(python: string, mb: number): string {
  mkdirSync(WORK, { recursive: true });
  const file = path.join(WORK, `web-${mb}mb.parquet`);
  if (existsSync(file)) return file;
  const code = `import sys, random, pyarrow as pa, pyarrow.parquet as pq
random.seed(0)
words = [''.join(random.choice('abcdefghijklmnopqrstuvwxyzéü') for _ in range(random.randint(2, 11))) for _ in range(50000)]
target = int(sys.argv[2]) * 1_000_000
w = pq.ParquetWriter(sys.argv[1] + '.tmp', pa.schema([('id', pa.string()), ('text', pa.string()), ('url', pa.string()), ('dump', pa.string())]), compression='snappy')
written, i = 0, 0
while written < target:
    texts = [' '.join(random.choices(words, k=random.randint(50, 900))) for _ in range(20000)]
    ids = [f'doc-{i + k}' for k in range(len(texts))]
    w.write_table(pa.table({'id': ids, 'text': texts, 'url': [f'https://example.com/{x}' for x in ids], 'dump': ['CC-MAIN-2024-10'] * len(texts)}), row_group_size=20000)
    written += sum(map(len, texts)); i += len(texts)
w.close()
import os; os.rename(sys.argv[1] + '.tmp', sys.argv[1])
`;
  const r = spawnSync(python, ['-c', code, file, String(mb)], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('writing the bench file with pyarrow failed');
  return file;
}

async function runHyparquet(file: string): Promise<Omit<Result, 'which' | 'seconds' | 'peakRssMB'>> {
  const stats = new StatsRecorder();
  const ctx: StageContext = { rank: 0, worldSize: 1, runDir: WORK, stageName: 'read', stats, log: memoryLogger(), signal: new AbortController().signal, seed: 1 };
  let rows = 0;
  for await (const d of readParquet({ path: file, fileIndex: 0 }, parquetSchema.parse({}), ctx)) if (d.text.length) rows++;
  return { rows, read: stats.stats.read };
}

async function runParquetjsLite(file: string): Promise<Omit<Result, 'which' | 'seconds' | 'peakRssMB'>> {
  // The reading path biglm used before hyparquet, kept here only to measure against.
  const { default: parquet } = await import('parquetjs-lite');
  const { default: codecs } = await import('parquetjs-lite/lib/codec/index.js');
  codecs.RLE_DICTIONARY ??= codecs.PLAIN_DICTIONARY;
  const env = await parquet.ParquetEnvelopeReader.openFile(file);
  await env.readHeader();
  const footer = await env.readFooter();
  const reader = new parquet.ParquetReader({ ...footer, version: 1 }, env);
  const schema = reader.getSchema();
  const columns = schema.fieldList.filter((f) => !f.isNested).map((f) => f.path);
  let rows = 0;
  let read = 0;
  for (const group of footer.row_groups) {
    const n = typeof group.num_rows === 'number' ? group.num_rows : group.num_rows.toNumber();
    read += n;
    try {
      const records = parquet.ParquetShredder.materializeRecords(schema, await env.readRowGroup(schema, group, columns));
      for (const r of records) if (typeof r.text === 'string' || r.text instanceof Uint8Array) rows++;
    } catch {
      // a row group it can not decode: its rows are not read
    }
  }
  await env.close();
  return { rows, read };
}

async function child(which: Which, file: string): Promise<void> {
  const t = performance.now();
  const r = which === 'hyparquet' ? await runHyparquet(file) : await runParquetjsLite(file);
  const out: Result = { which, ...r, seconds: (performance.now() - t) / 1000, peakRssMB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(out));
}

async function main(): Promise<void> {
  const ci = process.argv.indexOf('--child');
  if (ci >= 0) return child(process.argv[ci + 1] as Which, process.argv[ci + 2]);
  const python = findPython();
  if (!python) {
    console.log('bench/parquet: skipped — no python3 with pyarrow (set BIGLM_PYTHON) to write the bench file');
    return;
  }
  const mb = arg('--mb', 50);
  const rounds = arg('--rounds', 2);
  const file = makeFile(python, mb);
  const fileMB = statSync(file).size / 1e6;
  console.log(`${file}: ${fileMB.toFixed(0)} MB on disk, ${rounds} alternating rounds; absolute times depend on the machine's load, ratios less`);
  const results: Result[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const which of ['hyparquet', 'parquetjs-lite'] as Which[]) {
      const r = spawnSync(process.execPath, ['--max-old-space-size=8192', here, '--child', which, file], { encoding: 'utf8', maxBuffer: 1 << 20, timeout: 30 * 60_000 });
      if (r.status !== 0) {
        console.log(`${which}: failed (${r.status ?? r.signal}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`);
        continue;
      }
      results.push(JSON.parse(r.stdout));
    }
  }
  console.log('reader           rows read   rows with text     s   file MB/s   peak RSS MB');
  for (const r of results) {
    console.log(`${r.which.padEnd(15)} ${String(r.read).padStart(10)} ${String(r.rows).padStart(16)} ${r.seconds.toFixed(1).padStart(5)} ${(fileMB / r.seconds).toFixed(1).padStart(11)} ${r.peakRssMB.toFixed(0).padStart(13)}`);
  }
}

await main();
