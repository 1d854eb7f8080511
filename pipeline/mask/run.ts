// `biglm mask` end to end: read a prepared run's manifest, mask every token shard (inline or in a piscina
// pool — one task per source shard, results gathered in shard order, so the output is byte-identical for
// any worker count), make sure the validation split is not empty, and write the examples manifest.

import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Piscina } from 'piscina';
import { removeStaleTemps, writeJsonAtomic } from '../../lib/atomic.js';
import { consoleLogger, type Logger } from '../../lib/log.js';
import { workerUrl } from '../../lib/worker-url.js';
import { biglmSpecialIds } from '../../tokenizer/encoding.js';
import type { MaskConfig } from './config.js';
import { ExampleBatchBuilder, ExampleFileWriter, exampleSchema, readExampleShard } from '../../formats/examples/shard.js';
import type { ExampleShardEntry, ExamplesManifest } from '../../formats/examples/manifest.js';
import { maskShard, type ShardResult, type ShardTask, type SplitFile } from './shard.js';
import { writeReportOrWarn } from '../report/report-file.js';

export interface MaskRunOptions {
  /** Prepared run directory (with manifest.json and shards/). */
  run: string;
  out: string;
  config: MaskConfig;
  /** Worker threads; 1 runs inline. The output does not depend on it. */
  workers?: number;
  log?: Logger;
}

interface SourceManifest {
  shards: { path: string; documents?: number; tokens?: number }[];
  tokenizer: { name: string; vocabSize: number; eosId: number };
}

export const SPLIT_RULE = 'row goes to valid when Rng(seed, "valid", shard, row).next() < validFraction';

export async function runMask(opts: MaskRunOptions): Promise<ExamplesManifest> {
  const log = opts.log ?? consoleLogger('mask: ');
  const { config } = opts;
  const runDir = path.resolve(opts.run);
  const outDir = path.resolve(opts.out);

  const manifestPath = path.join(runDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} does not exist: is ${runDir} a prepared run directory?`);
  const manifestBytes = await fs.readFile(manifestPath);
  const source = parseSourceManifest(manifestPath, manifestBytes);
  if (existsSync(path.join(outDir, 'manifest.json'))) {
    throw new Error(`${outDir} already holds masked examples (manifest.json); remove it or choose another --out`);
  }
  const { vocabSize, eosId, name } = source.tokenizer;
  const { specials, embeddingSize } = biglmSpecialIds(vocabSize);

  const tasks: ShardTask[] = source.shards.map((shard, k) => {
    const input = path.resolve(runDir, shard.path);
    if (!existsSync(input)) throw new Error(`${manifestPath}: shards[${k}].path ${shard.path} does not exist (${input})`);
    return {
      shardIndex: k,
      input,
      trainPath: path.join(outDir, 'examples', `part-${k}.arrow`),
      validPath: path.join(outDir, 'valid', `part-${k}.arrow`),
      config,
      tokenizer: { vocabSize, eosId, specials },
    };
  });
  for (const dir of ['examples', 'valid']) await removeStaleTemps(path.join(outDir, dir));

  const results = await runTasks(tasks, opts.workers ?? 1);
  for (const r of results) for (const w of r.warnings) log.warn(w);

  const moved = await ensureValidRow(results, tasks, config);
  const entry = (r: ShardResult, file: SplitFile, p: string): ExampleShardEntry => ({
    path: path.relative(outDir, p),
    rows: file.rows,
    maskedTokens: file.maskedTokens,
    bytes: file.bytes,
    sha256: file.sha256,
    source: source.shards[r.shardIndex].path,
  });
  const shards = results.flatMap((r) => (r.train ? [entry(r, r.train, tasks[r.shardIndex].trainPath)] : []));
  const validShards = results.flatMap((r) => (r.valid ? [entry(r, r.valid, tasks[r.shardIndex].validPath)] : []));

  const dropped: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.documents.dropped)) dropped[k] = (dropped[k] ?? 0) + v;
  const sum = (f: (r: ShardResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const manifest: ExamplesManifest = {
    kind: 'biglm-examples',
    objective: config.objective,
    seqLen: config.seqLen,
    seed: config.seed,
    masking: config,
    tokenizer: { name, vocabSize, eosId, specials, embeddingSize },
    source: { run: runDir, manifestSha256: createHash('sha256').update(manifestBytes).digest('hex') },
    shards,
    valid_shards: validShards,
    totals: {
      rows: sum((r) => r.rows),
      segments: sum((r) => r.segments),
      tokens: sum((r) => r.tokens),
      padTokens: sum((r) => r.padTokens),
      maskedTokens: sum((r) => r.maskedTokens),
      documents: sum((r) => r.documents.read),
      keptDocs: sum((r) => r.documents.kept),
      droppedShortDocs: dropped['too_short'] ?? 0,
      dropped,
    },
    split: {
      validFraction: config.validFraction,
      rule: SPLIT_RULE,
      trainRows: shards.reduce((n, s) => n + s.rows, 0),
      validRows: validShards.reduce((n, s) => n + s.rows, 0),
      movedToValid: moved,
    },
  };
  await writeJsonAtomic(path.join(outDir, 'manifest.json'), manifest);
  await writeReportOrWarn(outDir, log);
  return manifest;
}

async function runTasks(tasks: ShardTask[], workers: number): Promise<ShardResult[]> {
  if (workers <= 1 || tasks.length <= 1) {
    const results: ShardResult[] = [];
    for (const t of tasks) results.push(await maskShard(t));
    return results;
  }
  const pool = new Piscina({
    filename: workerUrl(import.meta.url, './worker.js'),
    minThreads: 1,
    maxThreads: Math.min(workers, tasks.length),
    idleTimeout: 1000,
  });
  try {
    return await Promise.all(tasks.map((t) => pool.run(t) as Promise<ShardResult>));
  } finally {
    await pool.destroy();
  }
}

/**
 * With ≥ 2 rows and no row hashed into validation, move the train row with the smallest hash there, so a
 * tiny run still has something to validate on. Deterministic: the choice depends only on (seed, shard, row).
 */
async function ensureValidRow(results: ShardResult[], tasks: ShardTask[], config: MaskConfig): Promise<{ shard: number; row: number } | null> {
  const rows = results.reduce((n, r) => n + r.rows, 0);
  if (rows < 2 || results.some((r) => r.valid)) return null;
  let best: ShardResult | undefined;
  for (const r of results) if (r.smallestHash && (!best || r.smallestHash.hash < best.smallestHash!.hash)) best = r;
  if (!best || !best.train) return null;
  const task = tasks[best.shardIndex];
  const { trainIndex, row } = best.smallestHash!;
  const shard = readExampleShard(task.trainPath);
  const schema = exampleSchema({
    'biglm.examples': JSON.stringify({ objective: config.objective, seqLen: config.seqLen, seed: config.seed, shardIndex: best.shardIndex }),
  });
  const masked = (i: number) => {
    let n = 0;
    for (let p = i * shard.seqLen; p < (i + 1) * shard.seqLen; p++) if (shard.lossWeights[p] > 0) n++;
    return n;
  };
  const write = async (target: string, pick: (i: number) => boolean): Promise<SplitFile | null> => {
    let writer: ExampleFileWriter | null = null;
    const builder = new ExampleBatchBuilder(shard.seqLen, config.batchRows, schema);
    let maskedTokens = 0;
    for (let i = 0; i < shard.rows; i++) {
      if (!pick(i)) continue;
      builder.appendRowFrom(shard, i);
      maskedTokens += masked(i);
      if (builder.full) {
        writer ??= await ExampleFileWriter.open(target);
        await writer.write(builder.seal()!);
      }
    }
    const last = builder.seal();
    if (last) {
      writer ??= await ExampleFileWriter.open(target);
      await writer.write(last);
    }
    return writer ? { ...(await writer.close()), maskedTokens } : null;
  };
  best.valid = await write(task.validPath, (i) => i === trainIndex);
  best.train = await write(task.trainPath, (i) => i !== trainIndex);
  if (!best.train) await fs.rm(task.trainPath, { force: true });
  return { shard: best.shardIndex, row };
}

function parseSourceManifest(file: string, bytes: Buffer): SourceManifest {
  let m: SourceManifest;
  try {
    m = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(m.shards)) throw new Error(`${file}: 'shards' must be an array of { path, documents, tokens }`);
  const t = m.tokenizer;
  if (!t || typeof t.name !== 'string' || !Number.isInteger(t.vocabSize) || !Number.isInteger(t.eosId)) {
    throw new Error(`${file}: 'tokenizer' must hold name, vocabSize and eosId`);
  }
  m.shards.forEach((s, k) => {
    if (typeof s?.path !== 'string') throw new Error(`${file}: shards[${k}].path must be a string`);
  });
  return m;
}
