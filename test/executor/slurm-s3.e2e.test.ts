// Slurm with nothing shared but a bucket: `biglm prepare --executor slurm --out s3://…` on a real one-node
// cluster and a real S3-compatible server (s3rver on 127.0.0.1). Every array element works in a mirror of
// its own pulled from the bucket (its ranks file, the markers and files of the steps before), pushes its
// outputs and then its marker; the shards and manifest in the bucket are byte-identical to a local run.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { runLocal } from '../../pipeline/executor/local.js';
import { memoryLogger } from '../../lib/log.js';
import { FINAL_STATES } from '../../pipeline/executor/slurm/executor.js';
import { squeue } from '../../pipeline/executor/slurm/slurm-commands.js';
import { listObjects, readBytes, readText, writeObject } from '../../storage/index.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';
import { biglm, haveDist, removeTempDirs, runOutputs, tempDir, writeRealCorpus } from './fixtures.js';
import { acquireCluster } from './slurm-cluster.js';

const reg = defaultRegistries();
const cluster = await acquireCluster();
const skipWhy = !cluster.ok ? cluster.reason : !haveDist ? 'dist/ is missing: run `npx tsc -p .`' : undefined;
if (skipWhy) console.warn(`test/executor/slurm-s3.e2e: skipped — ${skipWhy}`);

let s3: TestS3;
afterAll(async () => {
  await s3?.close();
  if (cluster.ok) await cluster.stop();
  removeTempDirs();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skipWhy !== undefined)('a Slurm run whose only shared storage is a bucket', () => {
  let cfgFile: string;
  let reference: Map<string, Buffer>;
  let steps: string[];

  beforeAll(async () => {
    if (cluster.ok) process.env.SLURM_CONF = cluster.conf;
    s3 = await startS3(['shared']);
    const local = tempDir('biglm-slurm-s3-in-');
    const names = await writeRealCorpus(local, 4, 10);
    for (const n of names) await writeObject(`s3://shared/inputs/${n}`, await fs.readFile(path.join(local, n)));
    // near-duplicate removal when registered: its global steps run as arrays too, and their files travel by the bucket
    const stages = reg.stages.has('minhash_dedup') ? [{ type: 'minhash_dedup' }] : [];
    const config = { inputs: ['s3://shared/inputs/*.jsonl'], stages, tokenizer: { name: 'gpt2' }, output: { batchDocs: 4 } };
    cfgFile = path.join(local, 'config.json');
    await fs.writeFile(cfgFile, JSON.stringify(config));
    const cfg = await resolveConfig(config, local, reg);
    const runDir = tempDir('biglm-slurm-s3-local-');
    const run = await openRunDir(runDir, cfg, reg, false);
    steps = run.plan.steps.map((s) => s.name);
    await runLocal(run, { workers: 1, log: memoryLogger(), progress: false });
    reference = await runOutputs(runDir);
  });

  it('finishes with the same shards and manifest as a local run', async () => {
    const url = 's3://shared/runs/slurm';
    const env = { ...s3.env, BIGLM_SCRATCH: tempDir('biglm-slurm-s3-scratch-'), BIGLM_SLURM_LOG_DIR: tempDir('biglm-slurm-s3-logs-') };
    const sub = await biglm(['prepare', cfgFile, '--out', url, '--executor', 'slurm', '--no-progress'], env);
    expect(sub.code, sub.stderr).toBe(0);
    // one line per array: a step with more ranks than the cluster's MaxArraySize (CI's is 4) has several
    const jobs = sub.stdout.trim().split('\n').map((l) => l.split(' '));
    expect([...new Set(jobs.map(([step]) => step))]).toEqual(steps);
    // the ranks files and the scripts are in the bucket, the elements are told its URL
    const script = await readText(`${url}/slurm/seg0.sh`);
    expect(script).toContain(`run=${url}`);
    const ids = jobs.map(([, id]) => id);
    for (let t0 = Date.now(); Date.now() - t0 < 240_000; await sleep(500)) {
      if ((await squeue(ids)).every((e) => FINAL_STATES.has(e.state))) break;
    }
    const logs = await fs.readdir(env.BIGLM_SLURM_LOG_DIR, { recursive: true });
    const st = await biglm(['status', url, '--json'], env);
    expect(st.code, `${st.stdout}\n${st.stderr}\nlogs: ${logs.join(', ')}`).toBe(0);
    const got = new Map<string, Buffer>();
    got.set('manifest.json', await readBytes(`${url}/manifest.json`));
    for await (const o of listObjects(`${url}/shards`)) got.set(o.location.slice(url.length + 1), await readBytes(o.location));
    expect([...got.keys()]).toEqual([...reference.keys()]);
    for (const [name, bytes] of reference) expect(got.get(name)?.equals(bytes), name).toBe(true);
    expect((await readText(`${url}/report.html`)).slice(0, 15).toLowerCase()).toBe('<!doctype html>');
    // every element worked in a mirror of its own, removed when it ended
    const mirrors = path.join(env.BIGLM_SCRATCH, 'biglm-mirrors');
    const left = existsSync(mirrors) ? await fs.readdir(mirrors, { recursive: true }) : [];
    expect(left.filter((p) => String(p).includes('task-'))).toEqual([]);
  });
});
