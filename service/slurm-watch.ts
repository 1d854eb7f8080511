// Jobs on the Slurm executor: `biglm prepare --executor slurm` submits job arrays and exits; the job then
// runs in Slurm, not in the service. Its state comes from the queue (the job ids in `slurm/submissions.json`)
// and, once none of them is queued or running, the run directory (a manifest); cancelling is scancel on those ids.

import { existsSync } from 'node:fs';
import { runPaths } from '../pipeline/run/layout.js';
import { scancel, squeue } from '../pipeline/executor/slurm/slurm-commands.js';
import { FINAL_STATES } from '../pipeline/executor/slurm/executor.js';
import { allJobIds, readSubmissions } from '../pipeline/executor/slurm/submissions.js';

export type SlurmRunState = 'queued or running' | 'finished' | 'ended unfinished';

export async function slurmRunState(runDir: string): Promise<SlurmRunState> {
  // The manifest alone is not the end: the finalize element writes the reports and its marker after it,
  // and a client that fetches the run (or removes it) as soon as it reads "done" must find it whole.
  const ids = allJobIds(await readSubmissions(runDir));
  const live = (await squeue(ids)).filter((e) => !FINAL_STATES.has(e.state));
  if (live.length > 0) return 'queued or running';
  return existsSync(runPaths.manifest(runDir)) ? 'finished' : 'ended unfinished';
}

export async function cancelSlurmRun(runDir: string): Promise<void> {
  await scancel(allJobIds(await readSubmissions(runDir)));
}
