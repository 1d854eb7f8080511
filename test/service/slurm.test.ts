// Jobs on the Slurm executor, on a real one-node cluster (the one CI started, or one started here as root):
// the job's command submits the arrays and exits, the service follows them in the queue to the manifest,
// cancelling is scancel, and resuming submits the rest. Skips, saying why, where no cluster can run.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { squeue } from '../../pipeline/executor/slurm/slurm-commands.js';
import { FINAL_STATES } from '../../pipeline/executor/slurm/executor.js';
import { allJobIds, readSubmissions } from '../../pipeline/executor/slurm/submissions.js';
import { startService, type Service } from '../../service/server.js';
import { acquireCluster } from '../executor/slurm-cluster.js';
import { client, makeRoots, prepareConfig, waitFor, type Roots } from './fixtures.js';

// The cluster `make slurm-up` starts, when it runs and nothing else is configured: starting a second one
// here would compete with it for slurmctld's port.
const MAKE_SLURM_UP = '/tmp/biglm-slurm/slurm.conf';
if (!process.env.SLURM_CONF && existsSync(MAKE_SLURM_UP)) process.env.SLURM_CONF = MAKE_SLURM_UP;
const cluster = await acquireCluster();

/** The array elements' output, for the message when a Slurm job did not finish. */
function slurmLogs(runDir: string): string {
  const dir = path.join(runDir, 'logs');
  if (!existsSync(dir)) return '(no logs)';
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `${e.name}:\n${readFileSync(path.join(e.parentPath, e.name), 'utf8').slice(-2000)}`)
    .join('\n');
}
if (!cluster.ok) console.log(`service Slurm jobs test skipped: ${cluster.reason}`);

describe.skipIf(!cluster.ok)('prepare jobs on Slurm', () => {
  let roots: Roots;
  let service: Service;
  beforeAll(async () => {
    if (cluster.ok) process.env.SLURM_CONF = cluster.conf;
    roots = makeRoots(3, 60);
    service = await startService({ port: 0, threads: 1 }, { tokenFile: roots.tokenFile, dataRoot: roots.data, runsRoot: roots.runs, maxJobs: 2 });
  });
  afterAll(async () => {
    await service?.close();
    if (cluster.ok) await cluster.stop();
    rmSync(roots.dir, { recursive: true, force: true });
  });

  const ended = (id: string) =>
    waitFor(`job ${id}`, async () => {
      const j = (await client(service.url).get(`/v1/jobs/${id}`)).json;
      return ['done', 'failed', 'cancelled'].includes(j.state) ? j : undefined;
    }, 240_000);

  it('runs to the same shards as a local job; cancel stops its arrays, resume finishes it', async () => {
    const api = client(service.url);
    const local = (await api.send('POST', '/v1/jobs', { kind: 'prepare', config: prepareConfig() })).json.id as string;
    const slurm = await api.send('POST', '/v1/jobs', { kind: 'prepare', config: prepareConfig(), executor: { kind: 'slurm', arrayParallelism: 2 } });
    expect(slurm.status).toBe(201);
    const [a, b] = [await ended(local), await ended(slurm.json.id)];
    expect(b.state, `${b.error}\n${slurmLogs(`${roots.runs}/${slurm.json.id}/run`)}`).toBe('done');
    expect(b.result.manifest.shards).toEqual(a.result.manifest.shards);

    // Cancel as soon as the arrays are submitted: nothing of it stays in the queue.
    const job = (await api.send('POST', '/v1/jobs', { kind: 'prepare', config: { ...prepareConfig(), seed: 4 }, executor: { kind: 'slurm', arrayParallelism: 1 } })).json.id as string;
    await waitFor('the submission', async () => ((await api.get(`/v1/jobs/${job}`)).json.submitted ? true : undefined), 60_000);
    expect((await api.send('DELETE', `/v1/jobs/${job}`)).status).toBe(202);
    expect((await api.get(`/v1/jobs/${job}`)).json.state).toBe('cancelled');
    const ids = allJobIds(await readSubmissions(`${roots.runs}/${job}/run`));
    await waitFor('the queue to empty', async () => ((await squeue(ids)).every((e) => FINAL_STATES.has(e.state)) ? true : undefined), 60_000);
    expect((await api.send('POST', `/v1/jobs/${job}/resume`)).status).toBe(202);
    const resumed = await ended(job);
    expect(resumed.state, `${resumed.error}\n${slurmLogs(`${roots.runs}/${job}/run`)}`).toBe('done');
    expect(resumed.result.manifest.totals.read).toBe(180);
  });

  it('keeps following a submitted job across a service restart', async () => {
    const api = client(service.url);
    const job = (await api.send('POST', '/v1/jobs', { kind: 'prepare', config: { ...prepareConfig(), seed: 6 }, executor: { kind: 'slurm', arrayParallelism: 1 } })).json.id as string;
    await waitFor('the submission', async () => ((await api.get(`/v1/jobs/${job}`)).json.submitted ? true : undefined), 60_000);
    await service.close();
    service = await startService({ port: 0, threads: 1 }, { tokenFile: roots.tokenFile, dataRoot: roots.data, runsRoot: roots.runs, maxJobs: 2 });
    // Its tasks run in Slurm, not in the service: not interrupted, still running, and done when they are.
    expect((await client(service.url).get(`/v1/jobs/${job}`)).json).toMatchObject({ state: 'running', submitted: true });
    const done = await ended(job);
    expect(done.state, `${done.error}\n${slurmLogs(`${roots.runs}/${job}/run`)}`).toBe('done');
    expect(done.result.manifest.totals.read).toBe(180);
    // "done" once every element has ended, the finalize one included: its reports are there to fetch
    const runDir = `${roots.runs}/${job}/run`;
    expect((await squeue(allJobIds(await readSubmissions(runDir)))).filter((e) => !FINAL_STATES.has(e.state))).toEqual([]);
    expect(existsSync(`${runDir}/report.html`)).toBe(true);
  });
});
