// `node dist/bench/executor.js` — what each step of a run costs when every rank is its own process, the
// way Slurm (or Kubernetes, AWS Batch) runs it: per step, wall time, CPU time and peak RSS per task, next
// to the same run in one process (the local executor with 1 worker), in the same run of the bench. The
// per-task figures are what `--time`, `--cpus-per-task` and `--mem` should be sized from (docs/slurm.md).
// BENCH_CONFIG=path/to/config.json benches another config (e.g. one with filters and dedup).

import { promises as fs } from 'node:fs';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSample } from '../pipeline/sample/index.js';
import { loadConfigFile, resolveConfig } from '../pipeline/config/resolve.js';
import { defaultRegistries } from '../pipeline/registries.js';
import { openRunDir } from '../pipeline/executor/run-dir.js';
import { runLocal } from '../pipeline/executor/local.js';
import { memoryLogger } from '../lib/log.js';
import { runPaths } from '../pipeline/runner/layout.js';
import type { TaskStatsFile } from '../pipeline/runner/run-file-types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const benchDir = path.join(root, '.bench', 'executor');
const cli = path.join(root, 'dist', 'cli', 'biglm.js');

interface TaskCost {
  wall: number;
  cpu: number;
  rssMB: number;
}

function runTaskProcess(runDir: string, step: string, rank: number): Promise<TaskCost> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    execFile(process.execPath, [cli, 'task', '--run', runDir, '--stage', step, '--rank', String(rank)], (err, _out, stderr) => {
      if (err) return reject(new Error(`${step}/${rank} failed: ${stderr}`));
      const m = /CPU ([\d.]+) s, peak RSS (\d+) MB/.exec(stderr);
      if (!m) return reject(new Error(`${step}/${rank}: no cost line in ${JSON.stringify(stderr)}`));
      resolve({ wall: (Date.now() - t0) / 1000, cpu: Number(m[1]), rssMB: Number(m[2]) });
    });
  });
}

async function main(): Promise<void> {
  const reg = defaultRegistries();
  let raw: unknown;
  let configDir: string;
  if (process.env.BENCH_CONFIG) {
    ({ raw, dir: configDir } = await loadConfigFile(process.env.BENCH_CONFIG));
  } else {
    const sampleDir = path.join(root, '.bench', 'sample');
    try {
      await fs.access(path.join(sampleDir, 'SAMPLE.json'));
    } catch {
      await buildSample(sampleDir);
    }
    raw = { inputs: ['mail/*.jsonl', 'brown/*.jsonl'], tokenizer: { name: 'cl100k_base' } };
    configDir = sampleDir;
  }
  const cfg = await resolveConfig(raw, configDir, reg);
  const inputBytes = (await Promise.all(cfg.inputs.map((f) => fs.stat(f)))).reduce((n, s) => n + s.size, 0);
  await fs.rm(benchDir, { recursive: true, force: true });

  // Peer: the whole run in this process, one worker.
  const inproc = await openRunDir(path.join(benchDir, 'in-process'), cfg, reg, false);
  let t0 = Date.now();
  await runLocal(inproc, { workers: 1, log: memoryLogger(), progress: false });
  const inprocWall = (Date.now() - t0) / 1000;

  // Every rank of every step as its own `biglm task` process, one at a time (clean per-task figures).
  const procs = await openRunDir(path.join(benchDir, 'per-process'), cfg, reg, false);
  const rows: string[][] = [];
  const w = Math.max(8, ...procs.plan.steps.map((st) => st.name.length));
  t0 = Date.now();
  for (const step of procs.plan.steps) {
    const costs: TaskCost[] = [];
    for (let rank = 0; rank < step.worldSize; rank++) costs.push(await runTaskProcess(procs.runDir, step.name, rank));
    let read = 0;
    for (let rank = 0; rank < step.worldSize; rank++) {
      const st = JSON.parse(await fs.readFile(runPaths.taskStats(procs.runDir, step.name, rank), 'utf8')) as TaskStatsFile;
      read += st.stats.read;
    }
    const cpu = costs.reduce((n, c) => n + c.cpu, 0);
    const wall = costs.reduce((n, c) => n + c.wall, 0);
    const maxRss = Math.max(...costs.map((c) => c.rssMB));
    const maxWall = Math.max(...costs.map((c) => c.wall));
    const rate = step.kind === 'segment' && step.name === 'seg0' ? `${(inputBytes / 1e6 / cpu).toFixed(2)} MB/CPU-s, ${Math.round(read / cpu)} docs/CPU-s` : '';
    rows.push([step.name, String(step.worldSize), wall.toFixed(1), maxWall.toFixed(1), cpu.toFixed(1), String(maxRss), rate]);
  }
  const procWall = (Date.now() - t0) / 1000;

  const same = (await fs.readFile(runPaths.manifest(inproc.runDir))).equals(await fs.readFile(runPaths.manifest(procs.runDir)));
  console.log(`executor bench: ${cfg.inputs.length} input file(s), ${(inputBytes / 1e6).toFixed(1)} MB, tokenizer ${cfg.tokenizer.name}, steps ${procs.plan.steps.map((s) => s.name).join(' → ')}`);
  const line = (c: string[]) =>
    `${c[0].padEnd(w)} ${c[1].padStart(5)} ${c[2].padStart(8)} ${c[3].padStart(9)} ${c[4].padStart(7)} ${c[5].padStart(11)}   ${c[6]}`.trimEnd();
  console.log(line(['step', 'ranks', 'wall s', 'max/task', 'CPU s', 'peak RSS MB', '']));
  for (const r of rows) console.log(line(r));
  console.log(
    `one process per rank: ${procWall.toFixed(1)} s; in-process local executor (1 worker): ${inprocWall.toFixed(1)} s; ` +
      `ratio ${(procWall / inprocWall).toFixed(2)} (process start and tokenizer load per task); manifests ${same ? 'byte-identical' : 'DIFFER'}`,
  );
  console.log(`bench peak RSS (this process, in-process run): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  if (!same) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
