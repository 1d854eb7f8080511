// runDedupLocally: the whole dedup barrier (collect → global steps → filter) in this process over
// in-memory rank inputs, writing the real files and completion markers like the runner does. Tests and
// the benchmark use it; it also shows an executor how to handle CorruptTaskOutputError (delete the
// producer's marker, rerun the producer, retry the consumer).

import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Doc } from '../../pipeline/core/doc.js';
import type { Stage, StageContext, StageDefinition } from '../../pipeline/core/stage.js';
import { StatsRecorder, type Stats } from '../../pipeline/core/stats.js';
import { memoryLogger, type Logger } from '../../lib/log.js';
import { writeFileAtomic } from '../../lib/atomic.js';
import { CorruptTaskOutputError } from '../../pipeline/dedup/machinery/record-file.js';
import { readDedupReport, type DedupReport } from '../../pipeline/dedup/report.js';
import { minhashDedup } from '../../pipeline/dedup/minhash/minhash-dedup.js';
import { exactDedup } from '../../pipeline/dedup/exact/exact-dedup.js';

export interface LocalDedupOptions {
  /** Defaults to the stage type. */
  stageName?: string;
  /** Folder relative `index` paths resolve against; defaults to the run dir. */
  configDir?: string;
  seed?: number;
  log?: Logger;
}

export interface LocalDedupResult {
  kept: Doc[][];
  stats: Stats;
  report: DedupReport;
  /** Global steps in the order they ran, with world sizes. */
  steps: { name: string; worldSize: number }[];
  /** Tasks that were rerun because a consumer found their output corrupt. */
  reruns: string[];
}

async function drain(stage: Stage, docs: readonly Doc[], ctx: StageContext): Promise<Doc[]> {
  async function* source() {
    yield* docs;
  }
  const out: Doc[] = [];
  for await (const d of stage(source(), ctx)) out.push(d);
  return out;
}

export function markerPath(runDir: string, step: string, rank: number): string {
  return path.join(runDir, 'markers', step, `${rank}.done`);
}

export async function runDedupLocally(
  docsPerRank: readonly (readonly Doc[])[],
  stageConfig: { type: string } & Record<string, unknown>,
  runDir: string,
  opts: LocalDedupOptions = {},
): Promise<LocalDedupResult> {
  const defs: StageDefinition[] = [minhashDedup, exactDedup];
  const { type, ...raw } = stageConfig;
  const def = defs.find((d) => d.type === type);
  if (!def?.barrier) throw new Error(`runDedupLocally: unknown dedup stage type '${type}'; known: ${defs.map((d) => d.type).join(', ')}`);
  const options = def.schema.parse(raw);
  const stageName = opts.stageName ?? type;
  const setup = { runDir, stageName, configDir: opts.configDir ?? runDir, seed: opts.seed ?? 0 };
  const W = docsPerRank.length;
  const stats = new StatsRecorder();
  const log = opts.log ?? memoryLogger();
  const signal = new AbortController().signal;
  const ctx = (rank: number, worldSize: number, name = stageName): StageContext => ({ rank, worldSize, runDir, stageName: name, stats, log, signal, seed: setup.seed });
  const collectStep = `${stageName}.collect`;
  const reruns: string[] = [];

  const runCollect = async (r: number) => {
    const passed = await drain(def.barrier!.collect(options, setup), docsPerRank[r], ctx(r, W));
    if (passed.length !== docsPerRank[r].length) throw new Error(`collect of rank ${r} changed the document stream`);
    await writeFileAtomic(markerPath(runDir, collectStep, r), '');
  };
  for (let r = 0; r < W; r++) if (!existsSync(markerPath(runDir, collectStep, r))) await runCollect(r);

  // plan names as the runner gives them (`<stage>.<step>`): markers and error producers use these
  const steps = def.barrier.steps(options, { ...setup, segmentWorldSize: W }).map((s) => ({ ...s, name: `${stageName}.${s.name}` }));
  const runStepRank = async (stepIndex: number, rank: number, attempt = 0): Promise<void> => {
    const step = steps[stepIndex];
    try {
      await step.run(rank, { runDir, stats, log, signal, seed: setup.seed });
    } catch (e) {
      const corrupt = CorruptTaskOutputError.from(e);
      if (!corrupt || attempt >= 2) throw e;
      log.warn(corrupt.message);
      const p = corrupt.producer;
      if (p.step === null) {
        if (p.stageName !== stageName) throw e; // an index run's file: nothing here can rewrite it
        rmSync(markerPath(runDir, collectStep, p.rank), { force: true });
        await runCollect(p.rank);
        reruns.push(`${collectStep}/${p.rank}`);
      } else {
        const k = steps.findIndex((s) => s.name === p.step);
        if (k < 0 || k >= stepIndex) throw e;
        rmSync(markerPath(runDir, p.step, p.rank), { force: true });
        await runStepRank(k, p.rank);
        await writeFileAtomic(markerPath(runDir, p.step, p.rank), '');
        reruns.push(`${p.step}/${p.rank}`);
      }
      await runStepRank(stepIndex, rank, attempt + 1);
    }
  };
  for (let k = 0; k < steps.length; k++) {
    for (let rank = 0; rank < steps[k].worldSize; rank++) {
      if (existsSync(markerPath(runDir, steps[k].name, rank))) continue;
      await runStepRank(k, rank);
      await writeFileAtomic(markerPath(runDir, steps[k].name, rank), '');
    }
  }

  const kept: Doc[][] = [];
  for (let r = 0; r < W; r++) kept.push(await drain(def.create(options, setup), docsPerRank[r], ctx(r, W)));
  const report = readDedupReport(runDir)[stageName];
  return { kept, stats: stats.snapshot(), report, steps: steps.map((s) => ({ name: s.name, worldSize: s.worldSize })), reruns };
}
