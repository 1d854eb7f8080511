// Reading a run directory for its report: which kind of run it is, and the files each kind leaves
// (manifest, merged or per-task stats, drop examples, dedup reports and clusters, training metrics).
// Only reads: a missing or partial file gives less to draw, never an error, except when nothing says
// the folder is a run at all.

import { createReadStream, existsSync, promises as fs } from 'node:fs';
import { createInterface } from 'node:readline';
import * as path from 'node:path';
import type { Manifest, TaskStatsFile } from '../runner/run-file-types.js';
import { runPaths } from '../runner/layout.js';
import { emptyStats, mergeStats, type Stats } from '../core/stats.js';
import type { MixedManifest } from '../mix/mixed-manifest.js';
import type { ExamplesManifest } from '../../formats/examples/manifest.js';
import type { ResolvedConfig } from '../config/schema.js';

export type RunKind = 'prepare' | 'mix' | 'mask' | 'train';

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

/** The kind of run a folder holds, from the files only that kind writes; undefined when it is no run. */
export async function detectRunKind(runDir: string): Promise<RunKind | undefined> {
  const manifest = await readJson<{ kind?: string; mix?: unknown }>(runPaths.manifest(runDir));
  if (manifest?.kind === 'biglm-examples') return 'mask';
  if (manifest?.kind === 'biglm-run') return manifest.mix ? 'mix' : 'prepare';
  if (existsSync(path.join(runDir, 'metrics.jsonl'))) return 'train';
  // A prepare run that has not finished yet: its plan and config are written first.
  if (existsSync(runPaths.plan(runDir)) && existsSync(runPaths.config(runDir))) return 'prepare';
  return undefined;
}

export interface PrepareFiles {
  manifest?: Manifest;
  config?: ResolvedConfig;
  /** stats.json when the run finished; else every finished task's stats merged. */
  stats: Stats;
  tasks: TaskStatsFile[];
  /** Tasks of the plan, for "n of m done" in an unfinished run. */
  plannedTasks: number;
}

export async function readPrepareFiles(runDir: string): Promise<PrepareFiles> {
  const manifest = await readJson<Manifest>(runPaths.manifest(runDir));
  const config = await readJson<ResolvedConfig>(runPaths.config(runDir));
  const plan = await readJson<{ steps: { name: string; worldSize: number }[] }>(runPaths.plan(runDir));
  const tasks = await readTaskStats(runDir, plan?.steps.map((s) => s.name));
  let stats = manifest ? await readJson<Stats>(runPaths.stats(runDir)) : undefined;
  if (!stats) stats = tasks.filter((t) => t.step !== 'finalize').reduce((acc, t) => mergeStats(acc, t.stats), emptyStats());
  return { manifest, config, stats, tasks, plannedTasks: plan?.steps.reduce((n, s) => n + s.worldSize, 0) ?? tasks.length };
}

/** Every task's stats file, steps in plan order (or by name), ranks in order. */
async function readTaskStats(runDir: string, stepOrder: string[] | undefined): Promise<TaskStatsFile[]> {
  const root = path.join(runDir, 'stats');
  let steps: string[];
  try {
    steps = await fs.readdir(root);
  } catch {
    return [];
  }
  const order = (s: string) => (stepOrder?.includes(s) ? stepOrder.indexOf(s) : Number.MAX_SAFE_INTEGER);
  steps.sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1));
  const out: TaskStatsFile[] = [];
  for (const step of steps) {
    const files = (await fs.readdir(path.join(root, step))).filter((f) => /^\d+\.json$/.test(f)).sort();
    for (const f of files) {
      const t = await readJson<TaskStatsFile>(path.join(root, step, f));
      if (t) out.push(t);
    }
  }
  return out;
}

export interface ClusterLine {
  size: number;
  matchesIndex: boolean;
  members: { kept: boolean; id: string | null; firstLine: string | null }[];
}

/** The `n` largest clusters of a clusters.jsonl dump (first come first on ties), reading it line by line. */
export async function largestClusters(file: string, n: number): Promise<{ clusters: ClusterLine[]; total: number }> {
  if (!existsSync(file)) return { clusters: [], total: 0 };
  const top: ClusterLine[] = [];
  let total = 0;
  for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
    if (!line) continue;
    total++;
    const c = JSON.parse(line) as ClusterLine;
    if (top.length === n && c.size <= top[n - 1].size) continue;
    // Keep the members shown only, so memory stays bounded by n whatever the cluster sizes.
    const kept = { ...c, members: c.members.slice(0, 12) };
    let i = top.length;
    while (i > 0 && top[i - 1].size < c.size) i--;
    top.splice(i, 0, kept);
    if (top.length > n) top.pop();
  }
  return { clusters: top, total };
}

export async function readMixManifest(runDir: string): Promise<MixedManifest> {
  return (await readJson<MixedManifest>(runPaths.manifest(runDir)))!;
}

export async function readExamplesManifest(runDir: string): Promise<ExamplesManifest> {
  return (await readJson<ExamplesManifest>(runPaths.manifest(runDir)))!;
}

/** One line of metrics.jsonl: `type` and `step`, then whatever numbers the trainer logged. */
export interface MetricLine {
  type: string;
  step: number;
  [key: string]: unknown;
}

export interface TrainFiles {
  metrics: MetricLine[];
  /** Lines that did not parse (a run killed mid-write leaves at most one). */
  badLines: number;
  config?: Record<string, unknown>;
  checkpoints: string[];
}

export async function readTrainFiles(runDir: string): Promise<TrainFiles> {
  const metrics: MetricLine[] = [];
  let badLines = 0;
  const text = await fs.readFile(path.join(runDir, 'metrics.jsonl'), 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const m = JSON.parse(line) as MetricLine;
      if (typeof m.step === 'number') metrics.push(m);
      else badLines++;
    } catch {
      badLines++;
    }
  }
  const config = await readJson<Record<string, unknown>>(path.join(runDir, 'config.json')).catch(() => undefined);
  const checkpoints = await fs
    .readdir(path.join(runDir, 'checkpoints'))
    .then((names) => names.filter((n) => /^step-\d+$/.test(n)).sort())
    .catch(() => [] as string[]);
  return { metrics, badLines, config, checkpoints };
}
