// `biglm status <run>`: per step, how many ranks are done, running, pending and failed — from the
// completion markers, and from squeue/sacct when the run was submitted to Slurm.

import * as path from 'node:path';
import { isRemote } from '../../storage/index.js';
import { openMirror } from '../../pipeline/runner/remote-run.js';
import { parseCommand, UsageError } from '../args.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { loadRun } from '../../pipeline/runner/task.js';
import { buildPlan } from '../../pipeline/runner/plan.js';
import { formatStatus, runStatus } from '../../pipeline/executor/status.js';
import { exists } from '../../lib/atomic.js';
import { runPaths } from '../../pipeline/runner/layout.js';
import { reportPath } from '../../pipeline/report/report-file.js';

export const STATUS_HELP = `biglm status <run dir> [--json]

Per step of the run: ranks done, running, pending and failed. "Done" is a completion marker; under
Slurm, running and pending come from squeue (and sacct, where the cluster keeps accounting), and each
failed rank is listed with its job, the reason when known, and its log.

  --json   print the status as JSON (for scripts): { complete, steps: [{ step, worldSize, done,
           running, pending, failed, notDone: [{ rank, state, job, why, log }] }], report: { path, exists } }
The last line names the run's report.html (biglm report writes it for an unfinished run).
Exit status: 0 when the run is complete, 1 when it is not (yet).`;

export async function statusCommand(argv: string[]): Promise<number> {
  const { values, positionals, wantsHelp } = parseCommand(argv, { json: { type: 'boolean' } }, STATUS_HELP);
  if (wantsHelp) {
    console.log(STATUS_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one run directory\n\n${STATUS_HELP}`);
  // a run in a bucket is read through a local mirror of it (pipeline/runner/remote-run.ts)
  const runDir = isRemote(positionals[0]) ? await openMirror(positionals[0], { skip: (rel) => /^(shards|text|segments|dedup|tokenizer|excluded)\//.test(rel) }) : path.resolve(positionals[0]);
  if (!(await exists(runPaths.config(runDir)))) throw new UsageError(`${runDir} is not a biglm run directory (no config.json)`);
  const plan = buildPlan(await loadRun(runDir), runDir, defaultRegistries());
  const st = await runStatus(runDir, plan);
  const report = { path: reportPath(runDir), exists: await exists(reportPath(runDir)) };
  if (values.json) {
    console.log(JSON.stringify({ ...st, report }, null, 2));
  } else {
    console.log(formatStatus(st));
    console.log(report.exists ? `report: ${report.path}` : `report: ${report.path} (not written yet: the run writes it when it finishes; \`biglm report ${runDir}\` writes it now)`);
  }
  return st.complete ? 0 : 1;
}
