// The executor contract without a scheduler: every rank of every step run as its own process
// (`node dist/cli/biglm.js task`), the rank taken from the array-index variables of Slurm, Kubernetes
// and AWS Batch, must leave exactly the shards and manifest of an in-process local run.

import { afterAll, describe, expect, it, beforeAll } from 'vitest';
import { writeFileSync, readFileSync, existsSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { runLocal } from '../../pipeline/executor/local.js';
import { memoryLogger } from '../../lib/log.js';
import { runPaths } from '../../pipeline/runner/layout.js';
import type { ResolvedConfig } from '../../pipeline/config/schema.js';
import { biglm, haveDist, tempDir, removeTempDirs, runOutputs, writeRealCorpus } from './fixtures.js';

const reg = defaultRegistries();
const canRead = reg.readers.has('jsonl');
if (!haveDist) console.warn('test/executor/contract: skipped — dist/cli/biglm.js is missing; run `npx tsc -p .` (make test builds first)');

afterAll(removeTempDirs);

describe.skipIf(!haveDist || !canRead)('worker processes started per rank, as a scheduler would', () => {
  let inputs: string;
  let cfg: ResolvedConfig;
  let reference: Map<string, Buffer>;

  beforeAll(async () => {
    inputs = tempDir('biglm-contract-in-');
    await writeRealCorpus(inputs, 5, 10);
    cfg = await resolveConfig({ inputs: ['*.jsonl'], tokenizer: { name: 'gpt2' }, output: { batchDocs: 4 } }, inputs, reg);
    const runDir = tempDir('biglm-contract-local-');
    await runLocal(await openRunDir(runDir, cfg, reg, false), { workers: 1, log: memoryLogger(), progress: false });
    reference = await runOutputs(runDir);
  });

  it('write the same shards and manifest as the in-process run, whichever variable carries the index', async () => {
    const runDir = tempDir('biglm-contract-procs-');
    const run = await openRunDir(runDir, cfg, reg, false);
    expect(run.plan.steps.map((s) => s.name)).toEqual(['seg0', 'finalize']);
    expect(run.plan.worldSize).toBe(5);
    const task = ['task', '--run', runDir, '--stage', 'seg0', '--rank-from-env'];
    const ranksFile = path.join(runDir, 'ranks.txt');
    writeFileSync(ranksFile, '2\n3\n4\n');
    const results = await Promise.all([
      biglm(task, { AWS_BATCH_JOB_ARRAY_INDEX: '0' }),
      biglm(task, { JOB_COMPLETION_INDEX: '1' }),
      // One array element running three ranks from a ranks file, in a pool of two worker threads.
      biglm([...task, '--ranks-file', ranksFile, '--tasks-per-element', '3', '--workers', '2'], { SLURM_ARRAY_TASK_ID: '0' }),
    ]);
    for (const r of results) expect(r.stderr).not.toMatch(/error|warning/i), expect(r.code).toBe(0);
    expect(results[0].stderr).toMatch(/seg0\/0: done \(1 run, 0 already done\)/);
    expect(results[1].stderr).toMatch(/seg0\/1: done \(1 run, 0 already done\)/);
    expect(results[2].stderr).toMatch(/seg0\/2,3,4: done \(3 run, 0 already done\)/);
    for (const rank of [0, 1, 2, 3, 4]) expect(existsSync(runPaths.marker(runDir, 'seg0', rank))).toBe(true);

    const fin = await biglm(['task', '--run', runDir, '--stage', 'finalize', '--rank', '0']);
    expect(fin.code).toBe(0);
    const got = await runOutputs(runDir);
    expect([...got.keys()]).toEqual([...reference.keys()]);
    for (const [name, bytes] of reference) expect(got.get(name)!.equals(bytes), name).toBe(true);
    const manifest = JSON.parse(readFileSync(runPaths.manifest(runDir), 'utf8'));
    expect(manifest.totals.kept).toBeGreaterThan(40);

    // Idempotent: a rerun of a finished rank (a requeued element) does nothing.
    const again = await biglm(task, { SLURM_ARRAY_TASK_ID: '0' });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/seg0\/0: done \(0 run, 1 already done\)/);
  });

  it('refuse an array index past the end of the ranks file, and a step whose step before is not complete', async () => {
    const runDir = tempDir('biglm-contract-bad-');
    await openRunDir(runDir, cfg, reg, false);
    const ranksFile = path.join(runDir, 'r.txt');
    writeFileSync(ranksFile, '1\n');
    const past = await biglm(['task', '--run', runDir, '--stage', 'seg0', '--rank-from-env', '--ranks-file', ranksFile], { SLURM_ARRAY_TASK_ID: '1' });
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/array index 1 with 1 rank\(s\) per element is past the end: the ranks file lists 1 rank/);
    expect(existsSync(runPaths.marker(runDir, 'seg0', 1))).toBe(false);
    const early = await biglm(['task', '--run', runDir, '--stage', 'finalize', '--rank', '0']);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/step finalize cannot start: step seg0 is not complete \(ranks without a marker: 0, 1, 2, 3, 4\)/);
  });

  it('refuse --executor slurm with a clear message when sbatch is not on PATH, submitting nothing', async () => {
    const out = path.join(tempDir('biglm-nosbatch-'), 'run');
    const cfgFile = path.join(inputs, 'config.json');
    writeFileSync(cfgFile, JSON.stringify({ inputs: ['*.jsonl'], tokenizer: { name: 'gpt2' } }));
    // A PATH with node and nothing else.
    const bin = tempDir('biglm-path-');
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const r = await biglm(['prepare', cfgFile, '--out', out, '--executor', 'slurm'], { PATH: bin });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sbatch is not on PATH: run this on a Slurm login node/);
    expect(existsSync(path.join(out, 'slurm', 'submissions.json'))).toBe(false);
  });
});

