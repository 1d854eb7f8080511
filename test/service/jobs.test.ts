// The jobs API end to end, over real HTTP: real `biglm prepare` commands in child processes, run
// directories on disk, and a service restarted on the same roots.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../service/server.js';
import { client, makeRoots, prepareConfig, waitFor, type Roots } from './fixtures.js';

let roots: Roots;
let service: Service;
/** Shards of the first, uninterrupted job: a cancelled and resumed run of the same config must match them. */
let firstShards: unknown;
const start = () =>
  startService({ port: 0, threads: 1 }, { tokenFile: roots.tokenFile, dataRoot: roots.data, runsRoot: roots.runs, maxJobs: 1, jobWorkers: 1 });

beforeAll(async () => {
  roots = makeRoots(3, 60);
  service = await start();
});
afterAll(async () => {
  await service?.close();
  if (!process.env.KEEP) rmSync(roots.dir, { recursive: true, force: true });
});

const ended = (api: ReturnType<typeof client>, id: string) =>
  waitFor(`job ${id} to end`, async () => {
    const r = await api.get(`/v1/jobs/${id}`);
    return ['done', 'failed', 'cancelled', 'interrupted'].includes(r.json.state) ? r.json : undefined;
  });

describe('the jobs API', () => {
  it('runs a prepare job: status with progress, results, report and Server-Sent Events', async () => {
    const api = client(service.url);
    const created = await api.send('POST', '/v1/jobs', { kind: 'prepare', config: prepareConfig() });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ kind: 'prepare', state: expect.stringMatching(/queued|running/) });
    const id = created.json.id as string;
    // Events until the job ends: the last one is `end` with the results.
    const sse = await fetch(`${service.url}/v1/jobs/${id}/events`, { headers: { authorization: `Bearer ${(await import('./fixtures.js')).TOKEN}` } });
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = await sse.text();
    const events = [...stream.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((m) => ({ event: m[1], data: JSON.parse(m[2]) }));
    expect(events.length).toBeGreaterThan(0);
    const last = events.at(-1)!;
    expect(last.event).toBe('end');
    expect(last.data.state, last.data.error).toBe('done');

    const job = await ended(api, id);
    expect(job.state).toBe('done');
    expect(job.progress).toMatchObject({ tasksDone: job.progress.tasksTotal, etaSeconds: 0 });
    expect(job.progress.tasksTotal).toBeGreaterThanOrEqual(3);
    expect(job.result.manifest.totals.read).toBe(180);
    expect(job.result.manifest.totals.kept + Object.values(job.result.manifest.totals.dropped as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(180);
    expect(job.result.shards.length).toBe(job.result.manifest.totals.shards);
    expect(last.data.result.manifest.totals).toEqual(job.result.manifest.totals);
    firstShards = job.result.manifest.shards;

    const report = await api.get(`/v1/jobs/${id}/report`);
    expect(report.status).toBe(200);
    expect(report.type).toMatch(/^text\/html/);
    expect(report.text).toContain('<svg');

    const list = await api.get('/v1/jobs');
    expect(list.json.jobs.map((j: { id: string }) => j.id)).toContain(id);
    expect((await api.send('DELETE', `/v1/jobs/${id}`)).status).toBe(409);
  });

  it('400 for a config zod rejects, naming the field and the fix', async () => {
    const api = client(service.url);
    const bad = await api.send('POST', '/v1/jobs', { kind: 'prepare', config: { ...prepareConfig(), tasks: 'many' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/tasks = "many": expected number/);
    const typo = await api.send('POST', '/v1/jobs', { kind: 'prepare', config: { ...prepareConfig(), stagez: [] } });
    expect(typo.json.error).toMatch(/stagez: unknown key \(did you mean 'stages'\?\); remove it or fix its spelling/);
    const kind = await api.send('POST', '/v1/jobs', { kind: 'train', config: {} });
    expect(kind.status).toBe(400);
    expect(kind.json.error).toMatch(/^kind: .*send \{"kind": "prepare"\|"mask"\|"mix"/);
    const none = await api.send('POST', '/v1/jobs', { kind: 'prepare', config: prepareConfig(['nothing/*.jsonl']) });
    expect(none.json.error).toMatch(/no file matches/);
  });

  it('cancels a running job, keeps it across a restart, and resumes it to the same result', async () => {
    const api = client(service.url);
    const { json } = await api.send('POST', '/v1/jobs', { kind: 'prepare', config: prepareConfig() });
    const id = json.id as string;
    await waitFor('the job to run', async () => ((await api.get(`/v1/jobs/${id}`)).json.state === 'running' ? true : undefined));
    expect(await api.send('DELETE', `/v1/jobs/${id}`)).toEqual({ status: 202, json: { id, state: 'cancelling' } });
    expect((await ended(api, id)).state).toBe('cancelled');

    // A new service on the same roots finds the job in its folder.
    await service.close();
    service = await start();
    const again = client(service.url);
    expect((await again.get(`/v1/jobs/${id}`)).json.state).toBe('cancelled');
    expect((await again.send('POST', `/v1/jobs/${id}/resume`)).status).toBe(202);
    const done = await ended(again, id);
    expect(done.state).toBe('done');
    expect(done.result.manifest.totals.read).toBe(180);
    expect(done.result.manifest.shards).toEqual(firstShards);
  });

  it('runs mask and mix jobs on a finished job’s run', async () => {
    const api = client(service.url);
    const [first] = (await api.get('/v1/jobs')).json.jobs.filter((j: { state: string }) => j.state === 'done');
    const mask = await api.send('POST', '/v1/jobs', { kind: 'mask', run: first.id, seqLen: 32, seed: 1 });
    expect(mask.status).toBe(201);
    const mix = await api.send('POST', '/v1/jobs', {
      kind: 'mix',
      config: { seed: 0, totalTokens: 2000, maxEpochs: 2, mixtures: [{ name: 'only', sources: [{ run: first.id, name: 'docs', weight: 1 }] }] },
    });
    expect(mix.status, JSON.stringify(mix.json)).toBe(201);
    // One job at a time (maxJobs 1): the mix waits in the queue while the mask job runs.
    expect(mix.json.state).toBe('queued');
    const masked = await ended(api, mask.json.id);
    expect(masked.state, masked.error).toBe('done');
    expect(masked.result.manifest).toBeDefined();
    const mixed = await ended(api, mix.json.id);
    expect(mixed.state, mixed.error).toBe('done');
    expect(Object.keys(mixed.result.mixtures)).toEqual(['only']);
    expect((await api.get(`/v1/jobs/${mix.json.id}/report`)).status).toBe(200);
  });

  it('marks a job interrupted when the service stops while it runs; resume finishes it', async () => {
    const api = client(service.url);
    const { json } = await api.send('POST', '/v1/jobs', { kind: 'prepare', config: { ...prepareConfig(), seed: 8 } });
    const id = json.id as string;
    await waitFor('the job to run', async () => ((await api.get(`/v1/jobs/${id}`)).json.state === 'running' ? true : undefined));
    await service.close();
    service = await start();
    const again = client(service.url);
    const seen = (await again.get(`/v1/jobs/${id}`)).json;
    expect(seen.state).toBe('interrupted');
    expect(seen.error).toMatch(/resume/);
    expect((await again.send('POST', `/v1/jobs/${id}/resume`)).status).toBe(202);
    expect((await ended(again, id)).state).toBe('done');
  });
});
