// The local executor: every step in order, the ranks of a step in a piscina pool of `workers` threads
// (inline when workers = 1 — the same task function either way). Tasks already marked done are skipped,
// so running the same command again resumes a killed run.

import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Logger } from '../core/log.js';
import { exists } from '../core/atomic.js';
import { workerUrl } from '../core/worker-url.js';
import { runTask } from '../run/task.js';
import { runPaths } from '../run/layout.js';
import { defaultRegistries } from '../registries.js';
import type { OpenedRun } from './run-dir.js';
import type { Registries } from '../config/resolve.js';
import { Progress } from './progress.js';
import type { WorkerTask } from './worker.js';
import { rm } from 'node:fs/promises';
import { CorruptTaskOutputError, type Producer } from '../core/corrupt-output.js';

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

export async function runLocal(run: OpenedRun, opts: LocalOptions): Promise<LocalRunSummary> {
  if (opts.registries && opts.workers > 1) throw new Error('custom registries run inline only (workers = 1)');
  const registries = opts.registries ?? defaultRegistries();
  const pool =
    opts.workers > 1
      ? new Piscina({ filename: workerUrl(import.meta.url, './worker.js'), minThreads: 1, maxThreads: opts.workers, idleTimeout: 1000 })
      : undefined;
  const summary: LocalRunSummary = { tasksRun: 0, tasksSkipped: 0 };
  try {
    for (const step of run.plan.steps) {
      const pending: number[] = [];
      for (let rank = 0; rank < step.worldSize; rank++) {
        if (await exists(runPaths.marker(run.runDir, step.name, rank))) summary.tasksSkipped++;
        else pending.push(rank);
      }
      if (pending.length === 0) continue;
      if (opts.stopAfterTasks !== undefined && summary.tasksRun >= opts.stopAfterTasks) return summary;
      const budget = opts.stopAfterTasks !== undefined ? opts.stopAfterTasks - summary.tasksRun : Infinity;
      const ranks = pending.slice(0, budget);

      const progress = new Progress({ label: step.name.padEnd(8), totalTasks: pending.length, enabled: (opts.progress ?? true) && step.kind === 'segment' });
      const log: Logger = {
        info: (m) => (progress.clear(), opts.log.info(m)),
        warn: (m) => (progress.clear(), opts.log.warn(m)),
      };
      const execute = async (stepName: string, rank: number) => {
        if (!pool || ranks.length === 1) {
          await runTask({ runDir: run.runDir, step: stepName, rank }, registries, {
            log,
            onProgress: (p) => progress.add(p.docs, p.bytes),
          });
        } else {
          const { port1, port2 } = new MessageChannel();
          port1.on('message', (m: { kind: string; level?: string; msg?: string; docs?: number; bytes?: number }) => {
            if (m.kind === 'progress') progress.add(m.docs!, m.bytes!);
            else if (m.level === 'warn') log.warn(m.msg!);
            else log.info(m.msg!);
          });
          try {
            const task: WorkerTask = { runDir: run.runDir, step: stepName, rank, port: port2 };
            await pool.run(task, { transferList: [port2] });
          } finally {
            // Let the last messages arrive before closing our end.
            await new Promise((r) => setImmediate(r));
            port1.close();
          }
        }
      };
      const runOne = async (rank: number) => {
        try {
          await execute(step.name, rank);
        } catch (e) {
          // An earlier task's output is corrupt: rerun the task that wrote it, then this one — once.
          const corrupt = CorruptTaskOutputError.from(e);
          const producer = corrupt && producerStep(run, corrupt.producer);
          if (!corrupt || !producer) throw e;
          log.warn(`${corrupt.message.split(' corrupt-task-output:')[0]}; rerunning ${producer}/${corrupt.producer.rank}, then ${step.name}/${rank}`);
          await rm(runPaths.marker(run.runDir, producer, corrupt.producer.rank), { force: true });
          await execute(producer, corrupt.producer.rank);
          await execute(step.name, rank);
        }
        summary.tasksRun++;
        progress.taskDone();
      };
      try {
        await Promise.all(ranks.map(runOne));
      } finally {
        progress.finish();
      }
      if (ranks.length < pending.length) return summary;
    }
  } finally {
    await pool?.destroy();
  }
  return summary;
}

/** Plan name of the task that wrote a corrupt file: a global step, or the segment a barrier's collect ends. */
function producerStep(run: OpenedRun, p: Producer): string | undefined {
  if (p.step !== null) return run.plan.steps.some((s) => s.name === p.step) ? p.step : undefined;
  const seg = run.plan.segments.find((s) => s.closesWith?.name === p.stageName);
  return seg ? `seg${seg.index}` : undefined; // an index run's file: nothing here can rewrite it
}
