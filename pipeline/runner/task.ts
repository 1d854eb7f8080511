// One task = (step, rank) of a run. The single entry point every executor calls — inline, in a piscina
// worker, or as `biglm task` under Slurm. Idempotent: a task whose marker exists is skipped; outputs go
// to temporary names first; the stats file and then the marker are written last.

import { promises as fs } from 'node:fs';
import { isMainThread, threadId } from 'node:worker_threads';
import type { Doc } from '../core/doc.js';
import type { StageContext } from '../core/stage.js';
import type { Logger } from '../../lib/log.js';
import { StatsRecorder } from '../core/stats.js';
import { exists, writeFileAtomic } from '../../lib/atomic.js';
import type { ResolvedConfig } from '../config/schema.js';
import type { Registries } from '../config/resolve.js';
import { buildPlan, globalSteps, runEncodingName, segmentStepName, type Plan, type SegmentPlan } from './plan.js';
import { trainTokenizer } from '../../tokenizer/train/index.js';
import { runPaths } from './layout.js';
import { finalizeRun } from './finalize.js';
import type { TaskStatsFile } from './run-file-types.js';
import { instrument } from './instrument.js';
import { segmentChain } from './segment-chain.js';
import type { Encoding } from '../../tokenizer/index.js';
import { encodingFor, encodingLoaded } from '../tokenize/encodings.js';
import type { WrittenFiles } from '../writers/writer-stage.js';
import { recordFile, recordOf, type FileRecord } from './file-record.js';
import { writeMarker } from './marker.js';
import { pushTask, snapshotFiles } from './remote-run.js';
import { segmentDocs, trainedTokenizerFiles, verifyTrainedTokenizer, verifyWholeFile } from './verified-inputs.js';
import { loadModuleStages } from '../custom/load.js';
import { hostname } from 'node:os';
import { inputName } from '../config/input-path.js';
import { displayLocation, isRemote, StorageNotFoundError } from '../../storage/index.js';

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

  const startedAt = Date.now();
  const stats = new StatsRecorder();
  const signal = opts.signal ?? new AbortController().signal;
  const base = { runDir, stats, log: opts.log, signal, seed: cfg.seed };
  let result: TaskOutcome = { kept: 0, outputs: [] };
  // On a mirror of a bucket: dedup's files (written by its collect stage in a segment, and by its global
  // steps) are not in the marker, so what the task changed below dedup/ is pushed with its outputs.
  const dedupFiles = await snapshotFiles(runDir, 'dedup');
  const globalFiles = dedupFiles && { sub: 'dedup', files: dedupFiles };

  if (stepPlan.kind === 'segment') {
    result = await runSegment(cfg, plan, plan.segments[stepPlan.segment], rank, reg, { ...base, rank, worldSize: plan.worldSize }, opts);
  } else if (stepPlan.kind === 'tokenizer') {
    result.outputs = await trainRunTokenizer(cfg, plan, runDir, opts.log);
  } else if (stepPlan.kind === 'global') {
    // dedup's files carry their own checksums (pipeline/dedup/record-file.ts)
    const stage = cfg.stages.find((s) => s.name === stepPlan.barrier)!;
    const g = globalSteps(cfg, runDir, reg, stage, plan.worldSize).find((x) => x.step.name === stepPlan.step)!;
    await g.step.run(rank, base);
  } else {
    await finalizeRun(runDir, cfg, plan, opts.log);
    const files = [runPaths.manifest(runDir), runPaths.stats(runDir), runPaths.report(runDir)];
    result.outputs = await Promise.all(files.map((f) => recordFile(runDir, f)));
  }

  const { outputs, ...counts } = result;
  const file: TaskStatsFile = {
    step,
    rank,
    worldSize: stepPlan.worldSize,
    stats: stats.snapshot(),
    ...counts,
    startedAt,
    finishedAt: Date.now(),
    worker: `${hostname()} pid ${process.pid} thread ${threadId}`,
  };
  const statsFile = runPaths.taskStats(runDir, step, rank);
  const statsText = JSON.stringify(file, null, 2) + '\n';
  await writeFileAtomic(statsFile, statsText);
  // Last: the marker, with the length and sha256 of everything the task wrote.
  const records = [...outputs, recordOf(runDir, statsFile, statsText)];
  await writeMarker(runDir, step, rank, records);
  // a run directory on object storage: the outputs reach the bucket, then the marker (remote-run.ts)
  await pushTask(runDir, marker, records, globalFiles);
  return { step, rank, skipped: false };
}

/** What a task passes on to its stats file, and the files it wrote (for its marker). */
type TaskOutcome = Omit<TaskStatsFile, 'step' | 'rank' | 'worldSize' | 'stats'> & { outputs: FileRecord[] };

type TaskContext = Omit<StageContext, 'stageName'>;

async function runSegment(
  cfg: ResolvedConfig,
  plan: Plan,
  seg: SegmentPlan,
  rank: number,
  reg: Registries,
  ctx: TaskContext,
  opts: TaskOptions,
): Promise<TaskOutcome> {
  let docs: AsyncIterable<Doc> =
    seg.index === 0 ? readInputs(cfg, plan.rankFiles[rank], reg, ctx) : await segmentDocs(ctx.runDir, seg.index - 1, rank);
  docs = reportProgress(docs, opts.onProgress);
  if (isMainThread) docs = yieldToEventLoop(docs);

  let encoding: Encoding | undefined;
  if (seg.last) {
    const name = runEncodingName(cfg, ctx.runDir);
    if (seg.afterTokenizerTraining && !encodingLoaded(name)) await verifyTrainedTokenizer(ctx.runDir, name);
    encoding = encodingFor(name);
  }
  const written: WrittenFiles = { files: [], shards: [] };
  for (const link of segmentChain({ cfg, seg, rank, reg, runDir: ctx.runDir, stats: ctx.stats, encoding }, written)) {
    const stage = link.counted ? instrument(link.stage, link.counted.docs, link.counted.probes) : link.stage;
    docs = stage(docs, { ...ctx, stageName: link.name });
  }
  let kept = 0;
  for await (const _doc of docs) kept++;
  return seg.last ? { kept, shards: written.shards, outputs: written.files } : { kept, outputs: written.files };
}

/** Train the run's BPE vocabulary on every document the stages kept (the segment before training). */
async function trainRunTokenizer(cfg: ResolvedConfig, plan: Plan, runDir: string, log: Logger): Promise<FileRecord[]> {
  const train = cfg.tokenizer.train!;
  const k = plan.segments.findIndex((s) => s.afterTokenizerTraining) - 1;
  const inputs = Array.from({ length: plan.worldSize }, (_, rank) => runPaths.segment(runDir, k, rank));
  // The trainer skips lines it cannot parse (it also reads users' files), so a damaged segment file would
  // train a vocabulary on part of the corpus without a word: check them whole first.
  for (const [rank, file] of inputs.entries()) await verifyWholeFile(runDir, file, segmentStepName(k), rank);
  const result = await trainTokenizer(
    { inputs, out: runEncodingName(cfg, runDir), vocabSize: train.vocabSize, pattern: train.pattern, name: cfg.tokenizer.name },
    { info: (m) => log.info(`tokenizer: ${m}`), warn: (m) => log.warn(`tokenizer: ${m}`) },
  );
  log.info(`tokenizer: trained ${result.sidecar.vocabSize} tokens on ${result.sidecar.training?.documents ?? 0} documents`);
  return Promise.all(trainedTokenizerFiles(runEncodingName(cfg, runDir)).map((f) => recordFile(runDir, f)));
}

async function* readInputs(cfg: ResolvedConfig, fileIndices: number[], reg: Registries, ctx: TaskContext): AsyncIterable<Doc> {
  for (const fileIndex of fileIndices) {
    const file = cfg.inputs[fileIndex];
    const format = cfg.reader.format === 'auto' ? reg.detectFormat(file) : cfg.reader.format;
    const reader = reg.readers.get(format);
    // The name the reader records as each document's source: relative to the config, so shards do not
    // depend on where the checkout lives (a remote input keeps its URL).
    const input = { path: file, fileIndex, source: inputName(cfg.configDir, file) };
    let yielded = false;
    try {
      for await (const doc of reader.read(input, cfg.reader.options[format] ?? {}, { ...ctx, stageName: 'read' })) {
        yielded = true;
        yield doc;
      }
    } catch (e) {
      // A remote input that is gone (deleted from the bucket after the inputs were listed, or a URL of a paths
      // file that answers 404) is one bad record, not the end of the task. A local file that vanished still
      // fails its task (a disk that is not mounted is not bad input), and so does anything else.
      if (yielded || !isRemote(file) || !(e instanceof StorageNotFoundError)) throw e;
      ctx.stats.countRead();
      ctx.stats.drop('read', 'read:missing_file');
      ctx.log.warn(`${displayLocation(file)}:0: the input is not there any more (${(e as Error).message}) [read:missing_file]`);
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
