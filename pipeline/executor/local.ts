// The local executor: every step in order, the ranks of a step in a piscina pool of `workers` threads
// (inline when workers = 1 — the same task function either way). Tasks already marked done are skipped,
// so running the same command again resumes a killed run. `runStepRanks` is also what one Slurm array
// element uses to run its several ranks.

import { MessageChannel } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { takePool } from './pool.js';
import type { Logger } from '../../lib/log.js';
import { runTask, type TaskResult } from '../runner/task.js';
import { defaultRegistries } from '../registries.js';
import type { OpenedRun } from './run-dir.js';
import type { Registries } from '../config/resolve.js';
import { Progress } from './progress.js';
import type { WorkerTask } from './worker.js';
import { checkResumedRun, pendingWork, type Executor } from './executor.js';
import { clearFailure, recordFailure } from './failures.js';
import { rm } from 'node:fs/promises';
import { runPaths } from '../runner/layout.js';
import { runEncodingName } from '../runner/plan.js';
import { largestFirst } from './task-order.js';
import { CorruptTaskOutputError, type Producer } from '../core/corrupt-output.js';

/** Reruns of damaged inputs' producers one task may set off, one behind the other (a chain of segments). */
const MAX_REPAIR_DEPTH = 16;

export interface LocalOptions {
  workers: number;
  log: Logger;
  progress?: boolean;
  /** Stop after this many tasks have run (tests use it to simulate a killed run). */
  stopAfterTasks?: number;
  /** Registries for inline runs (workers = 1); worker threads always use the default ones. */
  registries?: Registries;
}

export interface LocalRunSummary {
  tasksRun: number;
  tasksSkipped: number;
}

export function localExecutor(opts: { workers: number; progress?: boolean }): Executor {
  return {
    kind: 'local',
    async execute(run, log) {
      const s = await runLocal(run, { ...opts, log });
      return { kind: 'completed', ...s };
    },
  };
}

/**
 * The pool for `workers` workers: the main thread is one of them, so it has `workers - 1` threads (the ones
 * `startPool` warmed up, when there are); none for one worker. `run` names the tokenizer the threads share
 * merged pieces of.
 */
export function createPool(workers: number, run?: Pick<OpenedRun, 'config' | 'runDir'>): Piscina | undefined {
  return takePool(workers - 1, run ? { shareTokenizer: runEncodingName(run.config, run.runDir) } : {});
}

export async function runLocal(run: OpenedRun, opts: LocalOptions): Promise<LocalRunSummary> {
  if (opts.registries && opts.workers > 1) throw new Error('custom registries run inline only (workers = 1)');
  // never more workers than the widest step has tasks
  const pool = createPool(Math.min(opts.workers, Math.max(1, ...run.plan.steps.map((s) => s.worldSize))), run);
  const summary: LocalRunSummary = { tasksRun: 0, tasksSkipped: 0 };
  try {
    await checkResumedRun(run, opts.log);
    for (const { step, kind, worldSize, pending } of await pendingWork(run.runDir, run.plan)) {
      summary.tasksSkipped += worldSize - pending.length;
      if (pending.length === 0) continue;
      if (opts.stopAfterTasks !== undefined && summary.tasksRun >= opts.stopAfterTasks) return summary;
      const budget = opts.stopAfterTasks !== undefined ? opts.stopAfterTasks - summary.tasksRun : Infinity;
      const ranks = (await largestFirst(run, step, pending)).slice(0, budget);
      summary.tasksRun += await runStepRanks(run.runDir, step, ranks, pool, {
        log: opts.log,
        // Only segment steps stream documents; a bar for the short global steps is noise.
        progress: (opts.progress ?? true) && kind === 'segment',
        totalTasks: pending.length,
        registries: opts.registries,
        producerStep: (p) => producerStep(run, p),
      });
      if (ranks.length < pending.length) return summary;
    }
  } finally {
    await pool?.destroy();
  }
  return summary;
}

/**
 * Runs some ranks of one step, in the order given, on the main thread and on the threads of `pool` when
 * given. A rank that throws leaves a failure record; the others still finish, then the first error (in the
 * order of `ranks`) is thrown.
 */
export async function runStepRanks(
  runDir: string,
  step: string,
  ranks: number[],
  pool: Piscina | undefined,
  opts: {
    log: Logger;
    progress?: boolean;
    totalTasks?: number;
    registries?: Registries;
    /** Plan step of the task that wrote a corrupt file; when known, that task reruns, then the failed one. */
    producerStep?: (p: Producer) => string | undefined;
  },
): Promise<number> {
  // Returns how many of `ranks` actually ran (the others already had their marker).
  const progress = new Progress({ label: step.padEnd(8), totalTasks: opts.totalTasks ?? ranks.length, enabled: opts.progress ?? true });
  const log: Logger = {
    info: (m) => (progress.clear(), opts.log.info(m)),
    warn: (m) => (progress.clear(), opts.log.warn(m)),
  };
  let run = 0;
  const execute = async (stepName: string, rank: number, inline: boolean): Promise<TaskResult> => {
    let result: TaskResult;
    if (inline || !pool) {
      result = await runTask({ runDir, step: stepName, rank }, opts.registries ?? defaultRegistries(), { log, onProgress: (p) => progress.add(p.docs, p.bytes) });
    } else {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (m: { kind: string; level?: string; msg?: string; docs?: number; bytes?: number }) => {
        if (m.kind === 'progress') progress.add(m.docs!, m.bytes!);
        else if (m.level === 'warn') log.warn(m.msg!);
        else log.info(m.msg!);
      });
      try {
        const task: WorkerTask = { runDir, step: stepName, rank, port: port2 };
        result = (await pool.run(task, { transferList: [port2] })) as TaskResult;
      } finally {
        // Let the last messages arrive before closing our end.
        await new Promise((r) => setImmediate(r));
        port1.close();
      }
    }
    return result;
  };
  // An earlier task's output is damaged: rerun the task that wrote it, then this one. That task may find its
  // own input damaged in turn (a segment file deleted two steps back), hence the depth; and lanes that find the
  // same damaged file (the run's vocabulary) share one repair.
  const repairs = new Map<string, Promise<unknown>>();
  const executeRepairing = async (stepName: string, rank: number, inline: boolean, depth: number): Promise<TaskResult> => {
    try {
      return await execute(stepName, rank, inline);
    } catch (e) {
      const corrupt = CorruptTaskOutputError.from(e);
      const producer = corrupt && opts.producerStep?.(corrupt.producer);
      if (!corrupt || !producer || depth >= MAX_REPAIR_DEPTH) throw e;
      const key = `${producer}/${corrupt.producer.rank}`;
      let repair = repairs.get(key);
      if (repair === undefined) {
        log.warn(`${corrupt.file}: ${corrupt.reason}; rerunning ${key} (it wrote the file), then ${stepName}/${rank}`);
        repair = (async () => {
          await rm(runPaths.marker(runDir, producer, corrupt.producer.rank), { force: true });
          await executeRepairing(producer, corrupt.producer.rank, inline, depth + 1);
        })();
        repairs.set(key, repair);
      }
      await repair;
      return executeRepairing(stepName, rank, inline, depth + 1);
    }
  };
  const runOne = async (rank: number, inline: boolean) => {
    let result: TaskResult;
    try {
      result = await executeRepairing(step, rank, inline, 0);
    } catch (e) {
      await recordFailure(runDir, step, rank, e);
      throw new Error(`task ${step}/${rank} failed: ${(e as Error).message}`, { cause: e });
    }
    await clearFailure(runDir, step, rank);
    if (!result.skipped) run++;
    progress.taskDone();
  };
  try {
    // Lanes take the next rank whenever they are free, in the order given: each pool thread is one, and the
    // main thread is one more (the pool has workers − 1 threads), so no thread only waits. A lane runs one
    // task at a time, so a killed run keeps every task it finished.
    const queue = [...ranks];
    const settled = new Map<number, PromiseSettledResult<void>>();
    const lane = async (inline: boolean) => {
      for (let rank = queue.shift(); rank !== undefined; rank = queue.shift()) {
        await runOne(rank, inline).then(
          () => settled.set(rank!, { status: 'fulfilled', value: undefined }),
          (reason: unknown) => settled.set(rank!, { status: 'rejected', reason }),
        );
      }
    };
    const threads = pool ? Math.min(pool.maxThreads, ranks.length - 1) : 0;
    await Promise.all([lane(true), ...Array.from({ length: threads }, () => lane(false))]);
    const failed = ranks.map((r) => settled.get(r)!).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) throw failed[0].reason;
  } finally {
    progress.finish();
  }
  return run;
}

/** Plan name of the task that wrote a corrupt file: a global step, or the segment a barrier's collect ends. */
export function producerStep(run: Pick<OpenedRun, 'plan'>, p: Producer): string | undefined {
  if (p.step !== null) return run.plan.steps.some((s) => s.name === p.step) ? p.step : undefined;
  const seg = run.plan.segments.find((s) => s.closesWith?.name === p.stageName);
  return seg ? `seg${seg.index}` : undefined; // an index run's file: nothing here can rewrite it
}
