// A job's record (`job.json` in its folder, ./job-paths.ts): saved at each change of state and read back by a
// restarted service.

import { promises as fs } from 'node:fs';
import { writeJsonAtomic } from '../lib/atomic.js';
import type { JobSpec } from './job-request.js';
import { JOB_ID, jobFiles } from './job-paths.js';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface JobRecord {
  id: string;
  kind: JobSpec['kind'];
  state: JobState;
  /** Where the tasks run: here (the command's worker pool) or on Slurm (the command submits and exits). */
  executor?: 'local' | 'slurm';
  /** Slurm jobs: the arrays are submitted; the job runs in Slurm until the run's manifest appears. */
  submitted?: boolean;
  args: string[];
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** The command's process while it runs (found again after a restart, to stop it). */
  pid?: number;
  exitCode?: number | null;
  error?: string;
}

export async function saveJob(root: string, job: JobRecord): Promise<void> {
  await writeJsonAtomic(jobFiles(root, job.id).record, job);
}

/** Every job record under the runs root, oldest first; folders without a readable job.json are not jobs. */
export async function loadJobs(root: string): Promise<JobRecord[]> {
  const jobs: JobRecord[] = [];
  for (const name of await fs.readdir(root).catch(() => [] as string[])) {
    if (!JOB_ID.test(name)) continue;
    try {
      jobs.push(JSON.parse(await fs.readFile(jobFiles(root, name).record, 'utf8')) as JobRecord);
    } catch {
      continue; // a folder a crash left before its record was committed holds nothing to resume
    }
  }
  return jobs.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}
