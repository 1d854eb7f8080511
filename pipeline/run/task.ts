// One task = (step, rank) of a run. The single entry point every executor calls — inline, in a piscina
// worker, or as `biglm task` under Slurm. Idempotent: a task whose marker exists is skipped; outputs go
// to temporary names first; the stats file and then the marker are written last.

import { promises as fs } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import * as path from 'node:path';
import type { Doc } from '../core/doc.js';
import type { Stage, StageContext } from '../core/stage.js';
import type { Logger } from '../core/log.js';
import { StatsRecorder, type Stats } from '../core/stats.js';
import { exists, writeJsonAtomic } from '../core/atomic.js';
import type { ResolvedConfig } from '../config/schema.js';
import type { Registries } from '../config/resolve.js';
import { getEncoding, type Encoding } from '../../tokenizer/index.js';
import { tokenizeStage, TOKENIZE_STAGE } from '../tokenize/stage.js';
import { writeTokenShards, type ShardInfo } from '../writers/token-shards.js';
import { DocJsonlWriter, readDocJsonl } from '../writers/doc-jsonl.js';
import { DocParquetWriter } from '../writers/doc-parquet.js';
import { buildPlan, globalSteps, runEncodingName, stageSetup, type Plan, type SegmentPlan } from './plan.js';
import { trainTokenizer } from '../../tokenizer/train/index.js';
import { runPaths } from './layout.js';
import { finalizeRun } from './finalize.js';
import { instrument } from './instrument.js';
import { loadModuleStages } from '../custom/load.js';

export interface TaskRequest {
  runDir: string;
  step: string;
  rank: number;
}

export interface TaskProgress {
  docs: number;
  bytes: number;
}

export interface TaskResult {
  step: string;
  rank: number;
  skipped: boolean;
}

/** What a task leaves in `stats/<step>/<rank>.json`. */
export interface TaskStatsFile {
  step: string;
  rank: number;
  worldSize: number;
  stats: Stats;
  /** Documents the task passed on (into the next segment, or into shards). */
  kept: number;
  shards?: ShardInfo[];
}

export interface TaskOptions {
  log: Logger;
  onProgress?: (delta: TaskProgress) => void;
  signal?: AbortSignal;
}

/** A run's resolved config; the stages it names from users' modules are imported into this process too. */
export async function loadRun(runDir: string): Promise<ResolvedConfig> {
  const cfg = JSON.parse(await fs.readFile(runPaths.config(runDir), 'utf8')) as ResolvedConfig;
  await loadModuleStages(cfg.stages.map((s) => s.type));
  return cfg;
}

export async function runTask(req: TaskRequest, reg: Registries, opts: TaskOptions): Promise<TaskResult> {
  const { runDir, step, rank } = req;
  const marker = runPaths.marker(runDir, step, rank);
  if (await exists(marker)) return { step, rank, skipped: true };

  const cfg = await loadRun(runDir);
  const plan = buildPlan(cfg, runDir, reg);
  const stepPlan = plan.steps.find((s) => s.name === step);
  if (!stepPlan) throw new Error(`run ${runDir} has no step '${step}'; steps: ${plan.steps.map((s) => s.name).join(', ')}`);
  if (rank < 0 || rank >= stepPlan.worldSize) {
    throw new Error(`step '${step}' has ranks 0..${stepPlan.worldSize - 1}; got rank ${rank}`);
  }

  const stats = new StatsRecorder();
  const signal = opts.signal ?? new AbortController().signal;
  const base = { runDir, stats, log: opts.log, signal, seed: cfg.seed };
  let result: Omit<TaskStatsFile, 'step' | 'rank' | 'worldSize' | 'stats'> = { kept: 0 };

  if (stepPlan.kind === 'segment') {
    result = await runSegment(cfg, plan, plan.segments[stepPlan.segment], rank, reg, { ...base, rank, worldSize: plan.worldSize }, opts);
  } else if (stepPlan.kind === 'tokenizer') {
    await trainRunTokenizer(cfg, plan, runDir, opts.log);
  } else if (stepPlan.kind === 'global') {
    const stage = cfg.stages.find((s) => s.name === stepPlan.barrier)!;
    const g = globalSteps(cfg, runDir, reg, stage, plan.worldSize).find((x) => x.step.name === stepPlan.step)!;
    await g.step.run(rank, base);
  } else {
    await finalizeRun(runDir, cfg, plan, opts.log);
  }

  const file: TaskStatsFile = { step, rank, worldSize: stepPlan.worldSize, stats: stats.snapshot(), ...result };
  await writeJsonAtomic(runPaths.taskStats(runDir, step, rank), file);
  await writeJsonAtomic(marker, { step, rank, finishedAt: new Date().toISOString() });
  return { step, rank, skipped: false };
}

type TaskContext = Omit<StageContext, 'stageName'>;

async function runSegment(
  cfg: ResolvedConfig,
  plan: Plan,
  seg: SegmentPlan,
  rank: number,
  reg: Registries,
  ctx: TaskContext,
  opts: TaskOptions,
): Promise<Omit<TaskStatsFile, 'step' | 'rank' | 'worldSize' | 'stats'>> {
  let docs: AsyncIterable<Doc> =
    seg.index === 0 ? readInputs(cfg, plan.rankFiles[rank], reg, ctx) : readDocJsonl(runPaths.segment(ctx.runDir, seg.index - 1, rank));
  docs = reportProgress(docs, opts.onProgress);
  if (isMainThread) docs = yieldToEventLoop(docs);

  // A barrier's collect stage passes every document through and reports under the barrier's name:
  // it adds its time there but not its documents, which the barrier's own stage counts next segment.
  const chain: { name: string; stage: Stage; countDocs?: false }[] = [];
  if (seg.opensWith) {
    const def = reg.stages.get(seg.opensWith.type);
    chain.push({ name: seg.opensWith.name, stage: def.create(seg.opensWith.options, stageSetup(cfg, ctx.runDir, seg.opensWith.name)) });
  }
  for (const s of seg.stages) {
    chain.push({ name: s.name, stage: reg.stages.get(s.type).create(s.options, stageSetup(cfg, ctx.runDir, s.name)) });
  }
  if (seg.closesWith) {
    const def = reg.stages.get(seg.closesWith.type);
    const collect = def.barrier!.collect(seg.closesWith.options, stageSetup(cfg, ctx.runDir, seg.closesWith.name));
    chain.push({ name: seg.closesWith.name, stage: collect, countDocs: false });
  }
  for (const { name, stage, countDocs } of chain) docs = instrument(stage, countDocs)(docs, { ...ctx, stageName: name });

  if (!seg.last) {
    const writer = await DocJsonlWriter.open(runPaths.segment(ctx.runDir, seg.index, rank));
    try {
      for await (const doc of docs) await writer.write(doc);
      await writer.close();
    } catch (e) {
      await writer.abort();
      throw e;
    }
    return { kept: writer.count };
  }

  const encoding = encodingFor(runEncodingName(cfg, ctx.runDir));
  docs = instrument(tokenizeStage(encoding))(docs, { ...ctx, stageName: TOKENIZE_STAGE });
  // After tokenization, so the text output holds exactly the documents in the shards.
  const text = await openTextOutput(cfg, ctx.runDir, rank);
  if (text) docs = tee(docs, text);
  let shards: ShardInfo[];
  try {
    shards = await writeTokenShards(docs, {
      runDir: ctx.runDir,
      rank,
      width: encoding.vocabSize <= 65536 ? 16 : 32,
      maxBytes: cfg.output.shardMaxBytes,
      batchDocs: cfg.output.batchDocs,
      metadata: {
        'biglm.tokenizer': JSON.stringify({ name: encoding.name, vocabSize: encoding.vocabSize, eosId: encoding.eosId }),
      },
    });
    await text?.close();
  } catch (e) {
    await text?.abort();
    throw e;
  }
  return { kept: shards.reduce((n, s) => n + s.documents, 0), shards };
}

/** Train the run's BPE vocabulary on every document the stages kept (the segment before training). */
async function trainRunTokenizer(cfg: ResolvedConfig, plan: Plan, runDir: string, log: Logger): Promise<void> {
  const train = cfg.tokenizer.train!;
  const k = plan.segments.findIndex((s) => s.afterTokenizerTraining) - 1;
  const inputs = Array.from({ length: plan.worldSize }, (_, rank) => runPaths.segment(runDir, k, rank));
  const result = await trainTokenizer(
    { inputs, out: runEncodingName(cfg, runDir), vocabSize: train.vocabSize, pattern: train.pattern, name: cfg.tokenizer.name },
    { info: (m) => log.info(`tokenizer: ${m}`), warn: (m) => log.warn(`tokenizer: ${m}`) },
  );
  log.info(`tokenizer: trained ${result.sidecar.vocabSize} tokens on ${result.sidecar.training?.documents ?? 0} documents`);
}

async function* readInputs(cfg: ResolvedConfig, fileIndices: number[], reg: Registries, ctx: TaskContext): AsyncIterable<Doc> {
  for (const fileIndex of fileIndices) {
    const file = cfg.inputs[fileIndex];
    const format = cfg.reader.format === 'auto' ? reg.detectFormat(file) : cfg.reader.format;
    const reader = reg.readers.get(format);
    // Sources are recorded relative to the config, so shards do not depend on where the checkout lives.
    const source = path.relative(cfg.configDir, file);
    for await (const doc of reader.read({ path: file, fileIndex }, cfg.reader.options[format] ?? {}, { ...ctx, stageName: 'read' })) {
      doc.source = source;
      yield doc;
    }
  }
}

/**
 * On the main thread a task shares the event loop with the pool it drives (executor/local.ts): a pool thread
 * that finished its task waits for the main thread to read that message and hand it the next one. Documents
 * flow through promise chains that never reach the event loop while input is buffered, so without a turn now
 * and then the pool threads idled for as long as a whole inline task (measured: their tasks took 1.6× as long).
 */
async function* yieldToEventLoop(docs: AsyncIterable<Doc>, everyMs = 5): AsyncIterable<Doc> {
  let last = performance.now();
  for await (const doc of docs) {
    yield doc;
    const now = performance.now();
    if (now - last >= everyMs) {
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
    }
  }
}

async function* reportProgress(docs: AsyncIterable<Doc>, onProgress?: (d: TaskProgress) => void): AsyncIterable<Doc> {
  if (!onProgress) return yield* docs;
  let pending = { docs: 0, bytes: 0 };
  let last = Date.now();
  for await (const doc of docs) {
    pending.docs++;
    pending.bytes += doc.text.length;
    if (pending.docs % 256 === 0 && Date.now() - last > 250) {
      onProgress(pending);
      pending = { docs: 0, bytes: 0 };
      last = Date.now();
    }
    yield doc;
  }
  onProgress(pending);
}

interface DocSink {
  write(doc: Doc): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

async function openTextOutput(cfg: ResolvedConfig, runDir: string, rank: number): Promise<DocSink | undefined> {
  switch (cfg.output.textOutput) {
    case 'none':
      return undefined;
    case 'jsonl':
      return DocJsonlWriter.open(runPaths.textOutput(runDir, rank, 'jsonl'));
    case 'parquet':
      return DocParquetWriter.open(runPaths.textOutput(runDir, rank, 'parquet'));
  }
}

async function* tee(docs: AsyncIterable<Doc>, sink: DocSink): AsyncIterable<Doc> {
  for await (const doc of docs) {
    await sink.write(doc);
    yield doc;
  }
}

// One encoding per worker thread: loading a 100k-token BPE costs far more than a small task.
const encodings = new Map<string, Encoding>();

/** Loads a tokenizer ahead of the first task that needs it (a pool thread does so while it waits). */
export function warmEncoding(name: string): void {
  encodingFor(name);
}

function encodingFor(name: string): Encoding {
  let e = encodings.get(name);
  if (!e) encodings.set(name, (e = getEncoding(name)));
  return e;
}
