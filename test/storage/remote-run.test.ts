// A run directory on S3 (`--out s3://…`, real s3rver on 127.0.0.1): the shards are byte for byte those of the
// same run written to a local folder, and a run killed half way resumes from the bucket alone (its local
// mirror deleted, as on another machine) to byte-identical output.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readBytes, writeObject } from '../../storage/index.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';
import { bucketOutputs, keys } from '../helpers/bucket-files.js';
import { biglm, biglmCli, haveDist, removeTempDirs, runOutputs, tempDir, writeRealCorpus } from '../executor/fixtures.js';

if (!haveDist) console.warn('skipping S3 run directory tests: dist/cli/biglm.js is not built (make build)');

let s3: TestS3;
let work: string;
beforeAll(async () => {
  s3 = await startS3(['runs']);
  work = tempDir('biglm-s3run-');
  const names = await writeRealCorpus(path.join(work, 'in'), 6, 10);
  for (const n of names) await writeObject(`s3://runs/inputs/${n}`, await fs.readFile(path.join(work, 'in', n)));
});
afterAll(async () => {
  await s3?.close();
  removeTempDirs();
});

const INPUTS = 's3://runs/inputs/*.jsonl';

describe.skipIf(!haveDist)('a run directory on S3', () => {
  it('holds the same shards and manifest as the same run in a local folder', async () => {
    const env = { ...s3.env, BIGLM_SCRATCH: tempDir('biglm-scratch-') };
    const local = await biglm(['prepare', '--input', INPUTS, '--out', path.join(work, 'local'), '--workers', '2', '--no-progress'], env);
    expect(local.code, local.stderr).toBe(0);
    const remote = await biglm(['prepare', '--input', INPUTS, '--out', 's3://runs/x/', '--workers', '2', '--no-progress'], env);
    expect(remote.code, remote.stderr).toBe(0);
    expect(remote.stderr).toContain('→ s3://runs/x/shards');
    const want = await runOutputs(path.join(work, 'local'));
    const got = await bucketOutputs('s3://runs/x');
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [name, bytes] of want) expect(got.get(name)?.equals(bytes), name).toBe(true);
    const stored = await keys('s3://runs/x');
    for (const k of ['config.json', 'plan.json', 'stats.json', 'report.txt', 'report.html', 'markers/finalize/00000.done', 'stats/seg0/00005.json']) expect(stored).toContain(k);
    expect(stored.filter((k) => k.startsWith('markers/seg0/'))).toHaveLength(6);
    expect(stored.some((k) => k.includes('.biglm-remote') || k.endsWith('.tmp'))).toBe(false);
    // a second run finds every marker in the bucket and does nothing
    const again = await biglm(['prepare', '--input', INPUTS, '--out', 's3://runs/x', '--workers', '2', '--no-progress'], { ...s3.env, BIGLM_SCRATCH: tempDir('biglm-scratch-') });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/0 task\(s\) run, 7 already done/);
  });

  it('resumes a killed run from the bucket alone to byte-identical output', async () => {
    const scratch = tempDir('biglm-scratch-');
    const env = { ...process.env, ...s3.env, BIGLM_SCRATCH: scratch };
    const child = spawn(process.execPath, [biglmCli, 'prepare', '--input', INPUTS, '--out', 's3://runs/killed', '--workers', '1', '--no-progress'], { env, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // kill it as soon as the bucket holds the first task's marker
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (await keys('s3://runs/killed').catch(() => [])).filter((k) => k.startsWith('markers/')).length < 1) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await exited;
    const before = await keys('s3://runs/killed');
    const done = before.filter((k) => k.startsWith('markers/seg0/')).length;
    expect(done).toBeGreaterThanOrEqual(1);
    expect(before).not.toContain('markers/finalize/00000.done');
    // another machine: nothing local survives
    await fs.rm(scratch, { recursive: true, force: true });
    const resumed = await biglm(['prepare', '--input', INPUTS, '--out', 's3://runs/killed', '--workers', '1', '--no-progress'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming s3://runs/killed');
    expect(resumed.stderr).toMatch(new RegExp(`\\(\\d+ task\\(s\\) run, ${done} already done\\)`));
    const want = await bucketOutputs('s3://runs/x');
    const got = await bucketOutputs('s3://runs/killed');
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [name, bytes] of want) expect(got.get(name)?.equals(bytes), name).toBe(true);
  });

  it('exports and mixes a run in the bucket into the bucket, as the same commands do on local folders', async () => {
    const env = { ...s3.env, BIGLM_SCRATCH: tempDir('biglm-scratch-') };
    const localExport = await biglm(['export', path.join(work, 'local'), '--format', 'megatron', '--out', path.join(work, 'export', 'x')], env);
    expect(localExport.code, localExport.stderr).toBe(0);
    const remoteExport = await biglm(['export', 's3://runs/x', '--format', 'megatron', '--out', 's3://runs/exports/x'], env);
    expect(remoteExport.code, remoteExport.stderr).toBe(0);
    for (const ext of ['bin', 'idx']) {
      expect((await readBytes(`s3://runs/exports/x.${ext}`)).equals(await fs.readFile(path.join(work, 'export', `x.${ext}`))), ext).toBe(true);
    }
    expect(JSON.parse((await readBytes('s3://runs/exports/x.export.json')).toString()).run).toBe('s3://runs/x');

    const mix = (run: string) => ({ seed: 0, totalTokens: 3000, maxEpochs: 2, mixtures: [{ name: 'all', sources: [{ run, name: 'mail', weight: 1 }] }] });
    await fs.writeFile(path.join(work, 'mix-local.json'), JSON.stringify(mix(path.join(work, 'local'))));
    await fs.writeFile(path.join(work, 'mix-s3.json'), JSON.stringify(mix('s3://runs/x')));
    const localMix = await biglm(['mix', path.join(work, 'mix-local.json'), '--out', path.join(work, 'mixed')], env);
    expect(localMix.code, localMix.stderr).toBe(0);
    const remoteMix = await biglm(['mix', path.join(work, 'mix-s3.json'), '--out', 's3://runs/mixed'], env);
    expect(remoteMix.code, remoteMix.stderr).toBe(0);
    const shards = (await fs.readdir(path.join(work, 'mixed', 'all', 'shards'))).sort();
    expect(shards.length).toBeGreaterThan(0);
    expect((await keys('s3://runs/mixed/all/shards')).sort()).toEqual(shards);
    for (const name of shards) {
      expect((await readBytes(`s3://runs/mixed/all/shards/${name}`)).equals(await fs.readFile(path.join(work, 'mixed', 'all', 'shards', name))), name).toBe(true);
    }
    expect(await keys('s3://runs/mixed/all')).toContain('manifest.json');

    // the report of a run in the bucket is written again and uploaded
    const { deleteObject } = await import('../../storage/index.js');
    await deleteObject('s3://runs/x/report.html');
    const report = await biglm(['report', 's3://runs/x'], env);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout.trim()).toBe('s3://runs/x/report.html');
    expect((await readBytes('s3://runs/x/report.html')).toString()).toMatch(/^<!doctype html>/i);
  });
});
