// A job's progress, read from its folder: tasks done from the run's markers and plan, docs/s and MB/s from
// the last progress line the command printed, ETA from the share of tasks done so far.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { JobRecord } from './job-store.js';

export interface JobProgress {
  tasksDone: number;
  tasksTotal: number;
  docsPerSecond?: number;
  mbPerSecond?: number;
  etaSeconds?: number;
  step?: string;
}

const PROGRESS_LINE = /^(\S+)\s+\S+ (\d+)\/(\d+) tasks\s+[\d,]+ docs\s+([\d,]+) docs\/s\s+([\d.]+) MB\/s/;

export async function jobProgress(job: JobRecord, runDir: string, logFile: string): Promise<JobProgress> {
  const progress: JobProgress = { tasksDone: 0, tasksTotal: 0 };
  try {
    const plan = JSON.parse(await fs.readFile(path.join(runDir, 'plan.json'), 'utf8')) as { steps: { name: string; worldSize: number }[] };
    for (const step of plan.steps) {
      progress.tasksTotal += step.worldSize;
      const names = await fs.readdir(path.join(runDir, 'markers', step.name)).catch(() => [] as string[]);
      progress.tasksDone += names.filter((n) => n.endsWith('.done')).length;
    }
  } catch {
    // no plan yet (the command is starting, or the job is not a prepare run): tasks stay 0 of 0
  }
  const tail = await readTail(logFile, 16 * 1024);
  const last = tail
    .split('\n')
    .map((l) => PROGRESS_LINE.exec(l))
    .filter((m) => m !== null)
    .at(-1);
  if (last) {
    progress.step = last[1];
    progress.docsPerSecond = Number(last[4].replace(/,/g, ''));
    progress.mbPerSecond = Number(last[5]);
  }
  if (job.state === 'done') progress.etaSeconds = 0;
  else if (job.state === 'running' && job.startedAt && progress.tasksTotal > 0 && progress.tasksDone > 0) {
    const elapsed = (Date.now() - Date.parse(job.startedAt)) / 1000;
    const frac = progress.tasksDone / progress.tasksTotal;
    progress.etaSeconds = Math.round((elapsed / frac) * (1 - frac));
  }
  return progress;
}

/** The last `bytes` of a file as text ('' when it does not exist). */
export async function readTail(file: string, bytes: number): Promise<string> {
  let fh;
  try {
    fh = await fs.open(file, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await fh.stat();
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}
