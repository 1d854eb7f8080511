// The one executor interface. An executor only decides where the tasks of a run execute; every task runs
// through `runTask` (markers, stats, outputs are the same whatever the executor). `local` runs them here in
// a piscina pool and returns when the run is complete; `slurm` submits job arrays and returns their ids.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../lib/log.js';
import { exists } from '../../lib/atomic.js';
import { runPaths } from '../runner/layout.js';
import type { Plan, StepPlan } from '../runner/plan.js';
import type { OpenedRun } from './run-dir.js';
import type { SubmissionRecord } from './slurm/submissions.js';
import { checkFinishedTasks } from '../runner/verify-run.js';

export type Execution =
  | { kind: 'completed'; tasksRun: number; tasksSkipped: number }
  | { kind: 'submitted'; submission: SubmissionRecord | undefined; tasksSkipped: number };

export interface Executor {
  readonly kind: 'local' | 'slurm';
  /** Run (local) or submit (slurm) every task of the run that has no completion marker, steps in plan order. */
  execute(run: OpenedRun, log: Logger): Promise<Execution>;
}

/**
 * On a resumed run, before anything is skipped: checks the finished tasks' final outputs and removes the
 * markers of tasks whose outputs are damaged (pipeline/runner/verify-run.ts), saying so and what it cost.
 */
export async function checkResumedRun(run: OpenedRun, log: Logger): Promise<void> {
  if (!run.resumed) return;
  const check = await checkFinishedTasks(run.runDir, run.plan, log);
  if (check.files > 0) {
    log.info(
      `checked ${check.files} finished output file(s), ${(check.bytes / 1e6).toFixed(1)} MB, in ${check.seconds.toFixed(2)} s` +
        (check.rerun.length > 0 ? `: ${check.rerun.length} task(s) to run again` : ': all intact'),
    );
  }
}

/** The ranks of one step that have no completion marker yet. */
export interface StepWork {
  step: string;
  kind: StepPlan['kind'];
  worldSize: number;
  pending: number[];
}

/** What is left to do in a run: every step, in plan order, with its ranks that have no marker. */
export async function pendingWork(runDir: string, plan: Plan): Promise<StepWork[]> {
  const work: StepWork[] = [];
  for (const step of plan.steps) {
    const pending: number[] = [];
    for (let rank = 0; rank < step.worldSize; rank++) {
      if (!(await exists(runPaths.marker(runDir, step.name, rank)))) pending.push(rank);
    }
    work.push({ step: step.name, kind: step.kind, worldSize: step.worldSize, pending });
  }
  return work;
}

/**
 * The ranks of the step before `step` that have no marker: a step may start only when the step before it
 * is complete. One readdir, not a stat per rank, so thousands of tasks can check it on a shared filesystem.
 */
export async function missingBefore(runDir: string, plan: Plan, step: string): Promise<{ step: string; ranks: number[] } | undefined> {
  const i = plan.steps.findIndex((s) => s.name === step);
  if (i <= 0) return undefined;
  const prev = plan.steps[i - 1];
  let names: string[] = [];
  try {
    names = await fs.readdir(path.dirname(runPaths.marker(runDir, prev.name, 0)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const done = new Set(names.filter((n) => n.endsWith('.done')).map((n) => Number(n.slice(0, -'.done'.length))));
  const ranks: number[] = [];
  for (let r = 0; r < prev.worldSize; r++) if (!done.has(r)) ranks.push(r);
  return ranks.length > 0 ? { step: prev.name, ranks } : undefined;
}
