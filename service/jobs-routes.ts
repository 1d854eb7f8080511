// The jobs API: POST /v1/jobs, GET /v1/jobs, GET/DELETE /v1/jobs/:id, GET /v1/jobs/:id/events (SSE),
// POST /v1/jobs/:id/resume, GET /v1/jobs/:id/report. Every route needs the bearer token.

import { existsSync, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError } from '../lib/config-errors.js';
import { reportPath, writeRunReportLazily } from '../pipeline/report/report-file.js';
import { readBody, unsupportedMedia } from '../tokenizer/server/body.js';
import { sendJson, sendRaw } from '../tokenizer/server/http.js';
import { ForbiddenError } from './confine.js';
import { BadRequestError, checkJobRequest, type JobRoots } from './job-request.js';
import type { JobManager } from './job-runner.js';
import { JOB_ID } from './job-paths.js';
import { reportRunDir, viewJob } from './job-view.js';

const MAX_REQUEST_BYTES = 1024 * 1024;
const ENDED = new Set(['done', 'failed', 'cancelled', 'interrupted']);

export function jobsRoutes(jobs: JobManager, roots: JobRoots) {
  const root = roots.runs.dir;

  async function submit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const media = unsupportedMedia(req);
    if (media !== undefined) {
      req.resume();
      return sendJson(res, 415, { error: media });
    }
    const read = await readBody(req, MAX_REQUEST_BYTES);
    if (!read.ok) return sendJson(res, read.status, { error: read.error });
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(read.body));
    } catch (err) {
      return sendJson(res, 400, { error: `request body is not UTF-8 JSON: ${(err as Error).message}` });
    }
    try {
      const job = await jobs.submit(await checkJobRequest(raw, roots));
      res.setHeader('location', `/v1/jobs/${job.id}`);
      return sendJson(res, 201, await viewJob(root, job, false));
    } catch (err) {
      if (err instanceof ForbiddenError) return sendJson(res, 403, { error: err.message });
      if (err instanceof BadRequestError || err instanceof ConfigError) return sendJson(res, 400, { error: err.message });
      throw err;
    }
  }

  async function events(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    let last = '';
    let ended = false;
    const push = async () => {
      const job = jobs.get(id)!;
      const data = JSON.stringify(await viewJob(root, job, ENDED.has(job.state)));
      if (data !== last && !res.writableEnded) res.write(`event: ${ENDED.has(job.state) ? 'end' : 'status'}\ndata: ${data}\n\n`);
      last = data;
      if (ENDED.has(job.state) && !ended) {
        ended = true;
        finish();
      }
    };
    const onChange = (changed: string) => changed === id && void push();
    const timer = setInterval(() => void push(), 1000);
    const finish = () => {
      clearInterval(timer);
      jobs.off('change', onChange);
      res.end();
    };
    jobs.on('change', onChange);
    req.on('close', finish);
    await push();
  }

  async function report(id: string, res: ServerResponse): Promise<void> {
    const runDir = await reportRunDir(root, jobs.get(id)!);
    if (!existsSync(reportPath(runDir))) {
      if (!existsSync(`${runDir}/manifest.json`)) return sendJson(res, 404, { error: `job ${id} has no report yet; it is written when the run finishes` });
      await writeRunReportLazily(runDir);
    }
    return sendRaw(res, 200, await fs.readFile(reportPath(runDir)), {}, 'text/html; charset=utf-8');
  }

  /** Answers /v1/jobs routes; false for any other path. */
  return async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const parts = url.pathname.split('/').filter(Boolean); // v1 jobs [id] [action]
    if (parts[0] !== 'v1' || parts[1] !== 'jobs' || parts.length > 4) return false;
    const method = req.method ?? 'GET';
    if (parts.length === 2) {
      if (method === 'POST') await submit(req, res);
      else if (method === 'GET') sendJson(res, 200, { jobs: await Promise.all(jobs.list().map((j) => viewJob(root, j, false))) });
      else sendJson(res, 405, { error: 'use GET to list jobs or POST to submit one' });
      return true;
    }
    const id = parts[2];
    if (!JOB_ID.test(id) || jobs.get(id) === undefined) {
      sendJson(res, 404, { error: `no job ${id}` });
      return true;
    }
    const action = parts[3];
    if (action === undefined && method === 'GET') sendJson(res, 200, await viewJob(root, jobs.get(id)!, true));
    else if (action === undefined && method === 'DELETE') {
      if (await jobs.cancel(id)) sendJson(res, 202, { id, state: 'cancelling' });
      else sendJson(res, 409, { error: `job ${id} is ${jobs.get(id)!.state}; only queued or running jobs can be cancelled` });
    } else if (action === 'resume' && method === 'POST') {
      if (await jobs.resume(id)) sendJson(res, 202, { id, state: jobs.get(id)!.state });
      else sendJson(res, 409, { error: `job ${id} is ${jobs.get(id)!.state}; only cancelled, interrupted or failed jobs can be resumed` });
    } else if (action === 'events' && method === 'GET') await events(id, req, res);
    else if (action === 'report' && method === 'GET') await report(id, res);
    else sendJson(res, action === undefined || ['resume', 'events', 'report'].includes(action) ? 405 : 404, { error: `no route ${method} ${url.pathname}` });
    return true;
  };
}
