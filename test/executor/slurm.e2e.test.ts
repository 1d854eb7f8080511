// End to end on a real Slurm cluster (one node, started by .ci/run or here): `biglm prepare --executor
// slurm` submits job arrays; one array element is cancelled while the pipeline runs (a running one when
// the timing allows, always a queued one), `biglm status` reports it, `biglm resume` submits only the
// ranks without a marker, and the shards and manifest come out byte-identical to a local run.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { runLocal } from '../../pipeline/executor/local.js';
import { memoryLogger } from '../../lib/log.js';
import { runPaths } from '../../pipeline/runner/layout.js';
import { maxArraySize, squeue } from '../../pipeline/executor/slurm/slurm-commands.js';
import { chunkRanks } from '../../pipeline/executor/slurm/script.js';
import { FINAL_STATES, submitRun } from '../../pipeline/executor/slurm/executor.js';
import { SlurmOptions } from '../../pipeline/executor/slurm/options.js';
import { allJobIds, latestElementOf, readSubmissions } from '../../pipeline/executor/slurm/submissions.js';
import type { RunStatus } from '../../pipeline/executor/status.js';
import { biglm, haveDist, tempDir, removeTempDirs, runOutputs, writeMailFile, writeRealCorpus } from './fixtures.js';
import { acquireCluster } from './slurm-cluster.js';

const reg = defaultRegistries();
const cluster = await acquireCluster();
const skipWhy = !cluster.ok ? cluster.reason : !haveDist ? 'dist/ is missing: run `npx tsc -p .`' : !reg.readers.has('jsonl') ? 'no JSONL reader' : undefined;
if (skipWhy) console.warn(`test/executor/slurm.e2e: skipped — ${skipWhy}`);

afterAll(async () => {
  if (cluster.ok) await cluster.stop();
  removeTempDirs();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until none of `ids` has an element queued or running. */
async function drain(ids: string[], timeoutMs = 240_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const live = (await squeue(ids)).filter((e) => !FINAL_STATES.has(e.state));
    if (live.length === 0) return;
    await sleep(500);
  }
  throw new Error(`jobs ${ids.join(', ')} still queued after ${timeoutMs / 1000} s`);
}

function jobsOf(stdout: string): Map<string, string> {
  return new Map(stdout.trim().split('\n').map((l) => l.split(' ') as [string, string]));
}

async function status(runDir: string): Promise<{ code: number; st: RunStatus }> {
  const r = await biglm(['status', runDir, '--json']);
  return { code: r.code, st: JSON.parse(r.stdout) as RunStatus };
}

describe.skipIf(skipWhy !== undefined)('a pipeline on a real Slurm cluster', () => {
  let inputs: string;
  let cfgFile: string;
  let reference: Map<string, Buffer>;
  let steps: string[];

  beforeAll(async () => {
    if (cluster.ok) process.env.SLURM_CONF = cluster.conf;
    inputs = tempDir('biglm-e2e-in-');
    await writeRealCorpus(inputs, 5, 10);
    // With near-duplicate removal when that stage is registered: its global steps become arrays too.
    const stages = reg.stages.has('minhash_dedup') ? [{ type: 'minhash_dedup' }] : [];
    const config = { inputs: ['*.jsonl'], stages, tokenizer: { name: 'gpt2' }, output: { batchDocs: 4 } };
    cfgFile = path.join(inputs, 'config.json');
    writeFileSync(cfgFile, JSON.stringify(config));
    const cfg = await resolveConfig(config, inputs, reg);
    const runDir = tempDir('biglm-e2e-local-');
    const run = await openRunDir(runDir, cfg, reg, false);
    steps = run.plan.steps.map((s) => s.name);
    await runLocal(run, { workers: 1, log: memoryLogger(), progress: false });
    reference = await runOutputs(runDir);
  });

  it('finishes after one array element is cancelled and the run resumed, byte-identical to a local run', async () => {
    const runDir = path.join(tempDir('biglm-e2e-slurm-'), 'run');
    const sub = await biglm(['prepare', cfgFile, '--out', runDir, '--executor', 'slurm', '--array-parallelism', '2', '--no-progress']);
    expect(sub.code, sub.stderr).toBe(0);
    expect([...jobsOf(sub.stdout).keys()]).toEqual(steps);
    const [first] = await readSubmissions(runDir);
    const element = (rank: number) => {
      const e = latestElementOf([first], 'seg0', rank)!;
      return `${e.jobId}_${e.index}`;
    };
    // A step is split into arrays of at most MaxArraySize elements, each waiting for all of the step before.
    const max = await maxArraySize();
    const arrays = first.steps.map((st) => st.arrays);
    expect(arrays[0].map((a) => a.ranks)).toEqual(chunkRanks([0, 1, 2, 3, 4], 1, max));
    expect(arrays[1][0].argv).toContain(`--dependency=afterok:${arrays[0].map((a) => a.jobId).join(':')}`);

    // With at most 2 elements of an array at a time, rank 3 (element 3 of the first array) cannot have
    // started yet: cancel it while queued.
    execFileSync('scancel', [element(3)]);
    // Hold rank 2 (queued behind ranks 0 and 1 for the same reason), so the run still has a queued job
    // when the early resume below is tried, however fast the others finish on a loaded machine.
    execFileSync('scontrol', ['hold', element(2)]);
    // And rank 0 while it runs, when we catch it running (a tiny task may finish first).
    const [job0, index0] = element(0).split('_');
    for (let i = 0; i < 100; i++) {
      const e0 = (await squeue([job0])).find((e) => e.index === Number(index0));
      if (!e0 || FINAL_STATES.has(e0.state)) break;
      if (e0.state === 'RUNNING') {
        try {
          execFileSync('scancel', [element(0)], { stdio: 'ignore' });
        } catch {
          // It ended between the two calls.
        }
        break;
      }
      await sleep(100);
    }
    // The run's jobs are still queued: a resume now would run ranks twice, so it is refused.
    const early = await biglm(['resume', runDir]);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/of this run are still queued or running \(jobs .*\); wait for them .* or cancel them \(scancel /);
    execFileSync('scontrol', ['release', element(2)]);
    await drain(allJobIds([first]));

    const before = await status(runDir);
    expect(before.code).toBe(1);
    expect(before.st.executor).toBe('slurm');
    const [s0, ...later] = before.st.steps;
    expect(s0.step).toBe('seg0');
    const left = s0.notDone.map((d) => d.rank);
    expect(left).toContain(3);
    expect(s0.done + left.length).toBe(5);
    expect(s0.notDone.find((d) => d.rank === 3)).toMatchObject({ state: 'pending', job: element(3) });
    // The later steps could never start: Slurm cancelled them (afterok failed, --kill-on-invalid-dep).
    for (const st of later) expect(st).toMatchObject({ done: 0, running: 0, failed: 0, pending: st.worldSize });
    expect(existsSync(runPaths.manifest(runDir))).toBe(false);

    const res = await biglm(['resume', runDir]);
    expect(res.code, res.stderr).toBe(0);
    expect([...jobsOf(res.stdout).keys()]).toEqual(steps);
    const subs = await readSubmissions(runDir);
    expect(subs.map((s) => s.id)).toEqual([1, 2]);
    expect(subs[1].options.arrayParallelism).toBe(2); // the options of the first submission
    const resubmitted = subs[1].steps[0].arrays;
    expect(resubmitted.flatMap((a) => a.ranks)).toEqual(left);
    expect(readFileSync(path.join(runDir, resubmitted[0].ranksFile), 'utf8')).toBe(resubmitted[0].ranks.join('\n') + '\n');
    await drain(allJobIds(subs));

    const after = await status(runDir);
    expect(after.code).toBe(0);
    expect(after.st.complete).toBe(true);
    const got = await runOutputs(runDir);
    expect([...got.keys()]).toEqual([...reference.keys()]);
    for (const [name, bytes] of reference) expect(got.get(name)!.equals(bytes), name).toBe(true);

    // The scripts and the per-element logs are in the run directory.
    expect(readFileSync(path.join(runDir, 'slurm', 'seg0.sh'), 'utf8')).toMatch(/#SBATCH --requeue/);
    const log = path.join(runDir, 'logs', 'seg0', `${resubmitted[0].jobId}_0.out`);
    expect(readFileSync(log, 'utf8')).toMatch(
      new RegExp(`biglm: seg0 element ${resubmitted[0].jobId}_0 [^]*seg0/${left[0]}: done \\(1 run[^]*exited with status 0`),
    );
  });

  it('refuses a partition that does not exist before submitting anything', async () => {
    const runDir = path.join(tempDir('biglm-e2e-part-'), 'run');
    const r = await biglm(['prepare', cfgFile, '--out', runDir, '--executor', 'slurm', '--partition', 'no_such_partition']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/partition 'no_such_partition' does not exist \(sinfo -p no_such_partition lists nothing\); partitions: debug/);
    expect(existsSync(path.join(runDir, 'slurm', 'submissions.json'))).toBe(false);
  });

  it('cancels the jobs it already queued when a later step cannot be submitted', async () => {
    const cfg = await resolveConfig(JSON.parse(readFileSync(cfgFile, 'utf8')), inputs, reg);
    const runDir = tempDir('biglm-e2e-rollback-');
    const run = await openRunDir(runDir, cfg, reg, false);
    // finalize's log folder cannot be made (a file is in the way), after seg0 was submitted.
    mkdirSync(path.join(runDir, 'logs'), { recursive: true });
    writeFileSync(path.join(runDir, 'logs', 'finalize'), 'in the way\n');
    const log = memoryLogger();
    await expect(submitRun(run, SlurmOptions.parse({ arrayParallelism: 1 }), log)).rejects.toThrow(/EEXIST|ENOTDIR/);
    const cancelled = log.lines.map((l) => /submission failed; cancelled the (\d+) job\(s\) it had queued: ([\d, ]+)$/.exec(l)).find(Boolean);
    expect(cancelled, log.lines.join('\n')).toBeTruthy();
    const ids = cancelled![2].split(', ');
    // Every array of every step before finalize (one per MaxArraySize elements), and nothing else.
    const max = await maxArraySize();
    const range = (n: number) => Array.from({ length: n }, (_, i) => i);
    const before = run.plan.steps.filter((st) => st.name !== 'finalize');
    expect(ids.length).toBe(before.reduce((n, st) => n + chunkRanks(range(st.worldSize), 1, max).length, 0));
    await drain(ids);
    const states = new Set((await squeue(ids)).map((e) => e.state));
    expect([...states]).toEqual(['CANCELLED']);
    expect(await readSubmissions(runDir)).toEqual([]);
    expect(existsSync(runPaths.marker(runDir, 'seg0', 0))).toBe(false);
  });

  it('requeues an element told that its time is up (USR1), and the requeued element completes the run', async (ctx) => {
    const dir = tempDir('biglm-e2e-requeue-');
    const docs = await writeMailFile(path.join(dir, 'in', 'mail.jsonl'), 1000);
    const config = { inputs: ['in/*.jsonl'], tokenizer: { name: 'gpt2' } };
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    const runDir = path.join(dir, 'run');
    const sub = await biglm(['prepare', path.join(dir, 'config.json'), '--out', runDir, '--executor', 'slurm']);
    expect(sub.code, sub.stderr).toBe(0);
    const jobs = jobsOf(sub.stdout);
    const seg0 = jobs.get('seg0')!;
    const log = path.join(runDir, 'logs', 'seg0', `${seg0}_0.out`);
    // As soon as the batch script has started the worker, send what Slurm sends before the time limit.
    let signalled = false;
    for (let i = 0; i < 600 && !signalled; i++) {
      if (existsSync(log) && /biglm: seg0 element/.test(readFileSync(log, 'utf8'))) {
        try {
          execFileSync('scancel', ['--batch', '--signal=USR1', `${seg0}_0`], { stdio: 'ignore' });
          signalled = true;
        } catch {
          break;
        }
      } else {
        await sleep(100);
      }
    }
    if (!signalled || existsSync(runPaths.marker(runDir, 'seg0', 0))) {
      await drain([...jobs.values()]);
      ctx.skip(); // the task finished before the signal reached it: nothing was requeued to test
    }
    await drain([...jobs.values()], 300_000);
    const text = readFileSync(log, 'utf8');
    expect(text).toMatch(new RegExp(`USR1 at .*requeueing ${seg0}_0`));
    expect(text).toMatch(/restart 1\) on/);
    expect(text).toMatch(/seg0\/0: done \(1 run, 0 already done\)/);
    expect((await status(runDir)).st.complete).toBe(true);

    const cfg = await resolveConfig(config, dir, reg);
    const localDir = tempDir('biglm-e2e-requeue-local-');
    await runLocal(await openRunDir(localDir, cfg, reg, false), { workers: 1, log: memoryLogger(), progress: false });
    const want = await runOutputs(localDir);
    const got = await runOutputs(runDir);
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [name, bytes] of want) expect(got.get(name)!.equals(bytes), name).toBe(true);
    expect(JSON.parse(readFileSync(runPaths.manifest(runDir), 'utf8')).totals.read).toBe(docs);
  });
});
