// `biglm status <run>`: per step, how many ranks are done, running, pending and failed — from the
// completion markers, and from squeue/sacct when the run was submitted to Slurm.

import * as path from 'node:path';
import { parseCommand, UsageError } from '../args.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { loadRun } from '../../pipeline/run/task.js';
import { buildPlan } from '../../pipeline/run/plan.js';
import { formatStatus, runStatus } from '../../pipeline/executor/status.js';
import { exists } from '../../pipeline/core/atomic.js';
import { runPaths } from '../../pipeline/run/layout.js';

export const STATUS_HELP = `biglm status <run dir> [--json]

Per step of the run: ranks done, running, pending and failed. "Done" is a completion marker; under
Slurm, running and pending come from squeue (and sacct, where the cluster keeps accounting), and each
failed rank is listed with its job, the reason when known, and its log.

  --json   print the status as JSON (for scripts): { complete, steps: [{ step, worldSize, done,
           running, pending, failed, notDone: [{ rank, state, job, why, log }] }] }
Exit status: 0 when the run is complete, 1 when it is not (yet).`;

export async function statusCommand(argv: string[]): Promise<number> {
  const { values, positionals, wantsHelp } = parseCommand(argv, { json: { type: 'boolean' } }, STATUS_HELP);
  if (wantsHelp) {
    console.log(STATUS_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one run directory\n\n${STATUS_HELP}`);
  const runDir = path.resolve(positionals[0]);
  if (!(await exists(runPaths.config(runDir)))) throw new UsageError(`${runDir} is not a biglm run directory (no config.json)`);
  const plan = buildPlan(await loadRun(runDir), runDir, defaultRegistries());
  const st = await runStatus(runDir, plan);
  console.log(values.json ? JSON.stringify(st, null, 2) : formatStatus(st));
  return st.complete ? 0 : 1;
}
