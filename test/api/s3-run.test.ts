// The library's executors take a run directory on S3 as the CLI does (real s3rver on 127.0.0.1): the bucket
// holds byte for byte the shards and manifest of the same API run into a local folder, a rerun from another
// machine (its mirror gone) runs nothing, a marker the bucket lost reruns that task alone, the CLI sees the same
// run, `force` starts over in the bucket, SlurmExecutor.wait follows a bucket's run, and HTTP(S) is refused.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LocalExecutor, SlurmExecutor, pipeline, readers, filters, tokenize, writers, memoryLogger, type Pipeline } from '../../api/index.js';
import { writeObject } from '../../storage/index.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';
import { bucketOutputs, keys } from '../helpers/bucket-files.js';
import { biglm, haveDist, removeTempDirs, runOutputs, tempDir, writeRealCorpus } from '../executor/fixtures.js';

if (!haveDist) console.warn('skipping the API S3 run tests: the pool threads load dist/ (make build)');

let s3: TestS3;
let work: string;
const savedScratch = process.env.BIGLM_SCRATCH;
beforeAll(async () => {
  s3 = await startS3(['runs']);
  work = tempDir('biglm-api-s3-');
  const names = await writeRealCorpus(path.join(work, 'in'), 4, 10);
  for (const n of names) await writeObject(`s3://runs/inputs/${n}`, await fs.readFile(path.join(work, 'in', n)));
});
afterEach(() => {
  if (savedScratch === undefined) delete process.env.BIGLM_SCRATCH;
  else process.env.BIGLM_SCRATCH = savedScratch;
});
afterAll(async () => {
  await s3?.close();
  removeTempDirs();
});

/** A fresh scratch folder for the mirrors: a process on another machine. */
function anotherMachine(): string {
  process.env.BIGLM_SCRATCH = tempDir('biglm-api-scratch-');
  return process.env.BIGLM_SCRATCH;
}

const build = (): Pipeline => pipeline([readers.jsonl('s3://runs/inputs/*.jsonl'), filters.length({ minChars: 50 }), tokenize('gpt2'), writers.shards({ batchDocs: 8 })]);

describe.skipIf(!haveDist)('LocalExecutor with a run directory on S3', () => {
  it('writes the shards and manifest of the same run into a local folder, and a rerun does nothing', async () => {
    anotherMachine();
    const executor = new LocalExecutor({ workers: 2, log: memoryLogger(), progress: false });
    const local = await executor.run(build(), { out: path.join(work, 'local') });
    const remote = await executor.run(build(), { out: 's3://runs/api/x/' });
    expect(remote.runDir).toBe('s3://runs/api/x');
    expect(remote.mirror).toMatch(/biglm-mirrors/);
    expect(remote.resumed).toBe(false);
    expect(remote.execution.tasksRun).toBe(local.execution.tasksRun);
    expect(remote.manifest).toEqual(local.manifest);
    expect(remote.manifest.totals.kept).toBeGreaterThan(0);
    expect(remote.manifest.totals.kept + Object.values(remote.manifest.totals.dropped).reduce((a, b) => a + b, 0)).toBe(remote.manifest.totals.read);

    const want = await runOutputs(path.join(work, 'local'));
    const got = await bucketOutputs('s3://runs/api/x');
    expect([...got.keys()]).toEqual([...want.keys()]);
    expect(got.size).toBeGreaterThan(1);
    for (const [name, bytes] of want) expect(got.get(name)?.equals(bytes), name).toBe(true);
    const stored = await keys('s3://runs/api/x');
    for (const k of ['config.json', 'plan.json', 'stats.json', 'report.html', 'markers/finalize/00000.done']) expect(stored).toContain(k);
    expect(stored.some((k) => k.includes('.biglm-remote') || k.endsWith('.tmp'))).toBe(false);

    // another machine: only the bucket's markers say what is done
    anotherMachine();
    const again = await executor.run(build(), { out: 's3://runs/api/x' });
    expect(again.resumed).toBe(true);
    expect(again.execution).toMatchObject({ tasksRun: 0, tasksSkipped: local.execution.tasksRun });
    expect(again.manifest).toEqual(local.manifest);
    const after = await bucketOutputs('s3://runs/api/x');
    for (const [name, bytes] of want) expect(after.get(name)?.equals(bytes), name).toBe(true);

    // SlurmExecutor.wait follows a run in the bucket: this one is complete, so it returns its manifest at once
    anotherMachine();
    expect(await new SlurmExecutor({ log: memoryLogger() }).wait('s3://runs/api/x', { timeoutMs: 30_000 })).toEqual(local.manifest);
  });

  it('reruns a task whose marker the bucket lost, and only that task', async () => {
    anotherMachine();
    const executor = new LocalExecutor({ workers: 1, log: memoryLogger(), progress: false });
    const first = await executor.run(build(), { out: 's3://runs/api/lost' });
    const { deleteObject } = await import('../../storage/index.js');
    // its outputs may be in the bucket, but without the marker they do not count
    await deleteObject('s3://runs/api/lost/markers/seg0/00002.done');
    anotherMachine();
    const again = await executor.run(build(), { out: 's3://runs/api/lost' });
    expect(again.execution).toMatchObject({ tasksRun: 1, tasksSkipped: first.execution.tasksRun - 1 });
    expect(await keys('s3://runs/api/lost')).toContain('markers/seg0/00002.done');
    const want = await runOutputs(path.join(work, 'local'));
    const got = await bucketOutputs('s3://runs/api/lost');
    for (const [name, bytes] of want) expect(got.get(name)?.equals(bytes), name).toBe(true);
  });

  it('is the CLI\'s run: biglm status sees it complete; force starts over in the bucket to the same bytes', async () => {
    const env = { ...s3.env, BIGLM_SCRATCH: tempDir('biglm-api-scratch-') };
    const status = await biglm(['status', 's3://runs/api/x'], env);
    expect(status.code, status.stdout + status.stderr).toBe(0);
    anotherMachine();
    const executor = new LocalExecutor({ workers: 2, log: memoryLogger(), progress: false });
    await writeObject('s3://runs/api/x/stray.txt', Buffer.from('left by someone'));
    const over = await executor.run(build(), { out: 's3://runs/api/x', force: true });
    expect(over.resumed).toBe(false);
    expect(over.execution.tasksSkipped).toBe(0);
    expect(await keys('s3://runs/api/x')).not.toContain('stray.txt');
    const want = await runOutputs(path.join(work, 'local'));
    const got = await bucketOutputs('s3://runs/api/x');
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [name, bytes] of want) expect(got.get(name)?.equals(bytes), name).toBe(true);
  });

  it('refuses an HTTP(S) run directory, saying why', async () => {
    const executor = new LocalExecutor({ workers: 1, log: memoryLogger(), progress: false });
    await expect(executor.run(build(), { out: 'https://data.example/runs/x' })).rejects.toThrow(
      /RunOptions\.out https:\/\/data\.example\/runs\/x: HTTP\(S\) is read-only; write the run to a local folder or s3:\/\/bucket\/prefix/,
    );
    await expect(new SlurmExecutor({ log: memoryLogger() }).wait('http://data.example/runs/x')).rejects.toThrow(/SlurmExecutor\.wait http:\/\/data\.example\/runs\/x: HTTP\(S\) is read-only/);
  });
});
