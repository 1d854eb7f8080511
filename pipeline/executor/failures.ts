// A task that throws leaves `failures/<step>/<rank>.json` (the error, where and when), so `biglm status`
// can tell a failed rank from one that never ran, under any executor. The completion marker wins: a
// failure record next to a marker is history, and a later success removes it.

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeJsonAtomic } from '../../lib/atomic.js';

export interface FailureRecord {
  step: string;
  rank: number;
  error: string;
  host: string;
  /** `<array job>_<index>` under Slurm, when known. */
  job?: string;
  at: string;
}

export function failurePath(runDir: string, step: string, rank: number): string {
  return path.join(runDir, 'failures', step, `${String(rank).padStart(5, '0')}.json`);
}

export async function recordFailure(runDir: string, step: string, rank: number, error: unknown, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const job = env.SLURM_ARRAY_JOB_ID ? `${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}` : env.SLURM_JOB_ID;
  const record: FailureRecord = {
    step,
    rank,
    error: error instanceof Error ? error.message : String(error),
    host: os.hostname(),
    ...(job ? { job } : {}),
    at: new Date().toISOString(),
  };
  await writeJsonAtomic(failurePath(runDir, step, rank), record);
}

export async function clearFailure(runDir: string, step: string, rank: number): Promise<void> {
  await fs.rm(failurePath(runDir, step, rank), { force: true });
}

export async function readFailure(runDir: string, step: string, rank: number): Promise<FailureRecord | undefined> {
  try {
    return JSON.parse(await fs.readFile(failurePath(runDir, step, rank), 'utf8')) as FailureRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
