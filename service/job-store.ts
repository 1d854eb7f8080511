// Where a job lives: `<runs-root>/<id>/job.json` (its record), `request.json` (the checked config),
// `log.txt` (the command's output) and `run/` (the run directory the command writes). Everything the
// service knows about a job is in that folder, so a restarted service finds its jobs again.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from '../lib/atomic.js';
import type { JobSpec } from './job-request.js';

export const JOB_ID = /^job-[a-z0-9]{4,40}$/;

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

export const jobDir = (root: string, id: string) => path.join(root, id);
export const jobRunDir = (root: string, id: string) => path.join(root, id, 'run');
export const jobFiles = (root: string, id: string) => ({
  record: path.join(root, id, 'job.json'),
  request: path.join(root, id, 'request.json'),
  log: path.join(root, id, 'log.txt'),
  run: jobRunDir(root, id),
});

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
