// `biglm resume <run>`: run or submit only the tasks without a completion marker. A run last submitted
// to Slurm goes back to Slurm with the options of its last submission (flags override them); any other
// run resumes locally unless --executor says otherwise.

import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { isRemote } from '../../storage/index.js';
import { openMirror, pushChanged } from '../../pipeline/run/remote-run.js';
import { parseCommand, intOption, UsageError } from '../args.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { loadRun } from '../../pipeline/run/task.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { readSubmissions } from '../../pipeline/executor/slurm/submissions.js';
import { exists } from '../../lib/atomic.js';
import { runPaths } from '../../pipeline/run/layout.js';
import type { Manifest } from '../../pipeline/run/finalize.js';
import { countingLogger } from '../log.js';
import { executorFrom } from './executor-flags.js';
import { EXECUTOR_FLAGS, EXECUTOR_HELP } from './executor-flag-specs.js';
import { reportSubmission } from './report-submission.js';

export const RESUME_HELP = `biglm resume <run dir> [--workers N] [--executor local|slurm] [Slurm options]

Finish a run that was stopped, killed or partly failed: only the tasks without a completion marker
run (locally) or are submitted (Slurm; as arrays over just those ranks). A run submitted to Slurm
before resumes on Slurm with the same options unless flags change them.

  --workers N             worker threads for the local executor (default: number of cores)
  --no-progress           no progress bar
${EXECUTOR_HELP}`;

export async function resumeCommand(argv: string[]): Promise<number> {
  const { values, positionals, wantsHelp } = parseCommand(
    argv,
    { workers: { type: 'string' }, 'no-progress': { type: 'boolean' }, ...EXECUTOR_FLAGS },
    RESUME_HELP,
  );
  if (wantsHelp) {
    console.log(RESUME_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one run directory\n\n${RESUME_HELP}`);
  // a run in a bucket is read through a local mirror of it (pipeline/run/remote-run.ts)
  const runDir = isRemote(positionals[0]) ? await openMirror(positionals[0], {}) : path.resolve(positionals[0]);
  if (!(await exists(runPaths.config(runDir)))) throw new UsageError(`${runDir} is not a biglm run directory (no config.json); start it with biglm prepare`);
  const last = (await readSubmissions(runDir)).at(-1);
  const workers = intOption(values.workers, 'workers') ?? os.availableParallelism();
  const executor = executorFrom(values, {
    workers,
    progress: !values['no-progress'],
    defaultKind: last ? 'slurm' : 'local',
    slurmBase: last?.options,
  });
  const log = countingLogger();
  const run = await openRunDir(runDir, await loadRun(runDir), defaultRegistries(), false);
  log.info(`resuming ${runDir} (${executor.kind})`);
  const t0 = Date.now();
  const execution = await executor.execute(run, log);
  await pushChanged(runDir);
  if (execution.kind === 'submitted') return reportSubmission(execution, isRemote(positionals[0]) ? positionals[0] : runDir);
  const manifest = JSON.parse(await fs.readFile(runPaths.manifest(runDir), 'utf8')) as Manifest;
  log.info(
    `done in ${((Date.now() - t0) / 1000).toFixed(1)} s (${execution.tasksRun} task(s) run, ${execution.tasksSkipped} already done): ` +
      `${manifest.totals.kept} of ${manifest.totals.read} documents kept, ${manifest.totals.tokens} tokens`,
  );
  return 0;
}
