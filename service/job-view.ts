// What the API shows of a job: its record, progress, links, and when done its results (the manifest and
// the shard list; a mix job has one per mixture).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { jobProgress, type JobProgress } from './job-progress.js';
import { jobFiles } from './job-paths.js';
import type { JobRecord } from './job-store.js';

export interface JobView extends Omit<JobRecord, 'args' | 'pid'> {
  progress: JobProgress;
  links: { self: string; events: string; report: string };
  result?: { manifest?: unknown; shards?: string[]; mixtures?: Record<string, { manifest: unknown; shards: string[] }> };
}

export async function viewJob(root: string, job: JobRecord, withResult: boolean): Promise<JobView> {
  const files = jobFiles(root, job.id);
  const { args: _args, pid: _pid, ...record } = job;
  const view: JobView = {
    ...record,
    progress: await jobProgress(job, files.run, files.log),
    links: { self: `/v1/jobs/${job.id}`, events: `/v1/jobs/${job.id}/events`, report: `/v1/jobs/${job.id}/report` },
  };
  if (withResult && job.state === 'done') view.result = await results(files.run);
  return view;
}

type Manifest = { shards?: { path: string }[] };

async function readManifest(dir: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

const shardPaths = (m: Manifest) => (m.shards ?? []).map((s) => s.path);

async function results(runDir: string): Promise<JobView['result']> {
  const manifest = await readManifest(runDir);
  if (manifest) return { manifest, shards: shardPaths(manifest) };
  const mixtures: Record<string, { manifest: unknown; shards: string[] }> = {};
  for (const name of (await fs.readdir(runDir).catch(() => [] as string[])).sort()) {
    const m = await readManifest(path.join(runDir, name));
    if (m) mixtures[name] = { manifest: m, shards: shardPaths(m) };
  }
  return { mixtures };
}

/** The run directory whose report a job shows: the run itself, or a mix job's first mixture. */
export async function reportRunDir(root: string, job: JobRecord): Promise<string> {
  const run = jobFiles(root, job.id).run;
  if (job.kind !== 'mix') return run;
  for (const name of (await fs.readdir(run).catch(() => [] as string[])).sort()) {
    if (await readManifest(path.join(run, name))) return path.join(run, name);
  }
  return run;
}
