// `biglm serve` with a job running: SIGTERM ends the service within 2 s, the job's command with it, and the
// job's record says interrupted, so the next service offers to resume it; a queued job runs there.
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startService } from '../../service/server.js';
import { startServe } from '../serve/helpers.js';
import { client, makeRoots, prepareConfig, waitFor } from './fixtures.js';

const roots = makeRoots(4, 4000);
afterAll(() => rmSync(roots.dir, { recursive: true, force: true }));

describe('SIGTERM with a running job', () => {
  it('exits within 2 s, leaves the job interrupted, and the next service runs the queued one', async () => {
    const served = await startServe(['--threads', '1', '--token-file', roots.tokenFile, '--data-root', roots.data, '--runs-root', roots.runs]);
    const api = client(served.url);
    const { json } = await api.send('POST', '/v1/jobs', { kind: 'prepare', config: prepareConfig() });
    const id = json.id as string;
    // One job at a time: this one waits in the queue, and stays queued across the restart.
    const queued = (await api.send('POST', '/v1/jobs', { kind: 'prepare', config: { ...prepareConfig(), seed: 5 } })).json.id as string;
    const running = await waitFor('the job to run', async () => {
      const j = (await api.get(`/v1/jobs/${id}`)).json;
      return j.state === 'running' ? j : undefined;
    });
    expect(running.state).toBe('running');
    const pid = (JSON.parse(readFileSync(path.join(roots.runs, id, 'job.json'), 'utf8')) as { pid: number }).pid;
    await new Promise((r) => setTimeout(r, 500));
    const sent = performance.now();
    served.child.kill('SIGTERM');
    const { code, at } = await served.exited;
    expect(code).toBe(0);
    expect((at - sent) / 1000).toBeLessThan(2);
    // The job's command is gone too.
    await waitFor('the command to exit', async () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return true;
      }
    }, 5000);
    const next = await startService({ port: 0, threads: 1 }, { tokenFile: roots.tokenFile, dataRoot: roots.data, runsRoot: roots.runs });
    try {
      const job = (await client(next.url).get(`/v1/jobs/${id}`)).json;
      expect(job.state).toBe('interrupted');
      expect(job.error).toMatch(/resume continues the run/);
      const after = await waitFor('the queued job to finish', async () => {
        const j = (await client(next.url).get(`/v1/jobs/${queued}`)).json;
        return j.state === 'done' || j.state === 'failed' ? j : undefined;
      });
      expect(after.state, after.error).toBe('done');
      expect(after.result.manifest.totals.read).toBe(16000);
    } finally {
      await next.close();
    }
  });
});
