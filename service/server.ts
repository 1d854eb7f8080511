// `biglm serve`: the tokenizer endpoints (tokenizer/server) and, when a token file is configured, the
// jobs API and its status page at `/`. One HTTP server; each part answers its own routes.

import { promises as fs } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { bearerMatches, tokenMatches, closeServer, listen, refuseUnauthorized, requestUrl, sendJson, sendRaw } from '../tokenizer/server/http.js';
import { tokenizerRoutes } from '../tokenizer/server/routes.js';
import type { ServerOptions } from '../tokenizer/server/options.js';
import { realRoot } from './confine.js';
import { JobManager } from './job-runner.js';
import { viewJob } from './job-view.js';
import { jobsRoutes } from './jobs-routes.js';
import { jobsOptionsSchema, type JobsOptions } from './options.js';
import { statusPage } from './status-page.js';
import { consoleLogger } from '../lib/log.js';

export interface Service {
  url: string;
  close(): Promise<void>;
}

export async function startService(tokenizer: ServerOptions, jobsOptions?: JobsOptions): Promise<Service> {
  // Tokenizer options first: a bad one must not leave queued jobs started by a service that never listens.
  const tokenizerPart = tokenizerRoutes(tokenizer);
  let jobs: Awaited<ReturnType<typeof openJobs>> | undefined;
  try {
    jobs = jobsOptions === undefined ? undefined : await openJobs(jobsOptions);
  } catch (err) {
    await tokenizerPart.close(0);
    throw err;
  }
  const authorized = (req: IncomingMessage, url: URL) =>
    jobs !== undefined && (bearerMatches(req.headers.authorization, jobs.token) || tokenMatches(url.searchParams.get('token'), jobs.token));

  const server = createServer((req, res) => {
    const url = requestUrl(req);
    const route = async () => {
      if (await tokenizerPart.route(req, res, url)) return;
      // Browsers ask for it on every page; a 404 would show as an error in their console.
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const isJobs = url.pathname === '/' || url.pathname === '/v1/jobs' || url.pathname.startsWith('/v1/jobs/');
      if (!isJobs) return sendJson(res, 404, { error: `no route ${url.pathname}` });
      if (jobs === undefined) return sendJson(res, 404, { error: 'the jobs API is off; start biglm serve with --token-file FILE (and --data-root, --runs-root)' });
      if (!authorized(req, url)) {
        req.resume();
        return refuseUnauthorized(res);
      }
      if (url.pathname === '/') {
        const views = await Promise.all(jobs.manager.list().map((j) => viewJob(jobs.runsRoot, j, false)));
        const query = url.searchParams.has('token') ? `?token=${encodeURIComponent(jobs.token)}` : '';
        return sendRaw(res, 200, Buffer.from(statusPage(views.reverse(), query)), {}, 'text/html; charset=utf-8');
      }
      await jobs.routes(req, res, url);
    };
    route().catch((err: Error) => sendJson(res, 500, { error: `internal error: ${err.message}` }));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  let url: string;
  try {
    url = await listen(server, tokenizerPart.options.port, tokenizerPart.options.host);
  } catch (err) {
    await Promise.all([tokenizerPart.close(0), jobs?.manager.close()]);
    throw err;
  }
  return {
    url,
    close: async () => {
      const grace = tokenizerPart.options.shutdownGraceMs;
      await Promise.all([closeServer(server, grace + 200), tokenizerPart.close(grace), jobs?.manager.close()]);
    },
  };
}

async function openJobs(options: JobsOptions) {
  const opts = jobsOptionsSchema.parse(options);
  const token = (await fs.readFile(opts.tokenFile, 'utf8').catch((e: Error) => {
    throw new Error(`--token-file ${opts.tokenFile}: ${e.message}`);
  })).trim();
  if (token.length < 16) throw new Error(`--token-file ${opts.tokenFile}: the token is ${token.length} characters; use at least 16 (e.g. openssl rand -hex 24)`);
  const data = await realRoot(opts.dataRoot, '--data-root');
  const runs = await realRoot(opts.runsRoot, '--runs-root');
  const manager = await JobManager.open({ runsRoot: runs.dir, dataRoot: data.dir, maxJobs: opts.maxJobs, jobWorkers: opts.jobWorkers });
  manager.on('warning', consoleLogger('biglm serve: ').warn);
  return { token, manager, runsRoot: runs.dir, routes: jobsRoutes(manager, { data, runs, allowedSchemes: opts.allowedSchemes }) };
}
