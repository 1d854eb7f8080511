// `slurm/submissions.json` in the run directory: every submission of the run (prepare, then each resume),
// with the job ids of every step and which ranks each array element runs. `biglm status` maps queue
// entries back to ranks with it; `biglm resume` refuses while its jobs are still queued and reuses its
// options.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from '../../../lib/atomic.js';
import type { SlurmOptions } from './options.js';

export interface SubmittedArray {
  /** The id sbatch printed (the array job id). */
  jobId: string;
  /** Ranks file, relative to the run directory; element i runs entries i*K … i*K+K-1. */
  ranksFile: string;
  ranks: number[];
  elements: number;
  /** The sbatch command line, for the curious and for bug reports. */
  argv: string[];
}

export interface SubmittedStep {
  step: string;
  script: string;
  arrays: SubmittedArray[];
}

export interface SubmissionRecord {
  id: number;
  submittedAt: string;
  options: SlurmOptions;
  steps: SubmittedStep[];
}

export function slurmDir(runDir: string): string {
  return path.join(runDir, 'slurm');
}

export function submissionsFile(runDir: string): string {
  return path.join(slurmDir(runDir), 'submissions.json');
}

export async function readSubmissions(runDir: string): Promise<SubmissionRecord[]> {
  try {
    return JSON.parse(await fs.readFile(submissionsFile(runDir), 'utf8')) as SubmissionRecord[];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`cannot read ${submissionsFile(runDir)}: ${(e as Error).message}`);
  }
}

export async function appendSubmission(runDir: string, record: SubmissionRecord): Promise<void> {
  const all = await readSubmissions(runDir);
  all.push(record);
  await writeJsonAtomic(submissionsFile(runDir), all);
}

/** Every array job id of the run's submissions. */
export function allJobIds(subs: SubmissionRecord[]): string[] {
  return subs.flatMap((s) => s.steps.flatMap((st) => st.arrays.map((a) => a.jobId)));
}

/** Where `rank` of `step` was last submitted: its array job and element, or undefined if never. */
export function latestElementOf(
  subs: SubmissionRecord[],
  step: string,
  rank: number,
): { submission: number; jobId: string; index: number } | undefined {
  for (let s = subs.length - 1; s >= 0; s--) {
    const st = subs[s].steps.find((x) => x.step === step);
    if (!st) continue;
    for (const a of st.arrays) {
      const j = a.ranks.indexOf(rank);
      if (j >= 0) return { submission: subs[s].id, jobId: a.jobId, index: Math.floor(j / subs[s].options.tasksPerElement) };
    }
  }
  return undefined;
}
