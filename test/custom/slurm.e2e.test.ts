// Stages from a user's module under a real Slurm cluster: the run is submitted with the library API
// (SlurmExecutor), every array element imports the module in its own `biglm task` process, and the shards
// and manifest come out byte-identical to a local run, with the module's drop reasons. Uses the cluster CI
// starts (SLURM_CONF); test/executor/slurm.e2e.test.ts is the one that can start a cluster itself.

import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Pipeline } from '../../api/pipeline.js';
import { SlurmExecutor } from '../../api/executors.js';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { runLocal } from '../../pipeline/executor/local.js';
import { memoryLogger } from '../../lib/log.js';
import { haveDist, removeTempDirs, runOutputs, tempDir, writeRealCorpus } from '../executor/fixtures.js';
import { acquireCluster, type Cluster } from '../executor/slurm-cluster.js';
import { writeStagesModule } from './fixtures.js';

const cluster: Cluster = process.env.SLURM_CONF
  ? await acquireCluster()
  : { ok: false, reason: 'SLURM_CONF is not set (.ci/run starts a cluster and sets it; on a machine with one running: source /tmp/slurm-env.sh)' };
const skipWhy = !cluster.ok ? cluster.reason : !haveDist ? 'dist/ is missing: run `npx tsc -p .`' : undefined;
if (skipWhy) console.warn(`test/custom/slurm.e2e: skipped — ${skipWhy}`);

afterAll(removeTempDirs);

describe.skipIf(skipWhy !== undefined)('stages from a user module on a real Slurm cluster', () => {
  it('run in every array element, byte-identical to a local run, with their own drop reasons', async () => {
    const dir = tempDir('biglm-custom-slurm-');
    await writeRealCorpus(path.join(dir, 'in'), 3, 10);
    writeStagesModule(dir);
    const config = {
      inputs: ['in/*.jsonl'],
      stages: [{ type: './my-stages.js#hasLetters' }, { type: './my-stages.js#lowercase' }, { type: './my-stages.js#evenLength' }, { type: 'minhash_dedup' }],
      tokenizer: { name: 'gpt2' },
      output: { batchDocs: 4 },
    };
    const reg = defaultRegistries();
    const localDir = tempDir('biglm-custom-slurm-local-');
    await runLocal(await openRunDir(localDir, await resolveConfig(config, dir, reg), reg, false), { workers: 1, log: memoryLogger(), progress: false });
    const want = await runOutputs(localDir);

    const slurm = new SlurmExecutor({ log: memoryLogger() });
    const runDir = path.join(tempDir('biglm-custom-slurm-run-'), 'run');
    const submitted = await slurm.run(Pipeline.fromConfig(config, dir), { out: runDir });
    expect(submitted.execution.kind).toBe('submitted');
    const manifest = await slurm.wait(runDir, { pollMs: 500, timeoutMs: 300_000 });

    const got = await runOutputs(runDir);
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [name, bytes] of want) expect(got.get(name)!.equals(bytes), name).toBe(true);
    expect(manifest.totals.dropped['hasLetters:few_letters']).toBeGreaterThan(0);
    expect(manifest.totals.dropped['evenLength:odd_length']).toBeGreaterThan(0);
    // The user's stages ran in the array elements' own processes, which logged their tasks.
    const log = readFileSync(path.join(runDir, 'logs', 'seg0', `${submitted.execution.submission!.steps[0].arrays[0].jobId}_0.out`), 'utf8');
    expect(log).toMatch(/seg0\/0: done \(1 run/);
  });
});
