// The tokenizer endpoints as a route handler other servers can compose (the jobs service does):
// POST /v1/tokenize, /v1/detokenize, /v1/count; GET /v1/encodings, /healthz. Tokenizing runs in a piscina
// pool behind `Admission`, so large requests never hold every thread, a request is stopped past its time
// limit, and a full queue answers 503 with Retry-After instead of letting clients wait without end.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { workerUrl } from '../../lib/worker-url.js';
import { describeEncoding, listEncodings, type EncodingInfo } from '../index.js';
import { Admission, QueueFullError, ShuttingDownError } from './admission.js';
import { readBody, unsupportedMedia } from './body.js';
import type { HandleResult, HandleTask, Operation } from './handle.js';
import { bearerMatches, refuseUnauthorized, sendJson, sendRaw } from './http.js';
import { serverOptionsSchema, type ResolvedServerOptions, type ServerOptions } from './options.js';

const OPERATIONS: Record<string, Operation> = {
  '/v1/tokenize': 'tokenize',
  '/v1/detokenize': 'detokenize',
  '/v1/count': 'count',
};

export interface TokenizerRoutes {
  readonly options: ResolvedServerOptions;
  /** Answers the request when it is one of ours; false leaves it to the caller. */
  route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Threads busy and requests waiting. */
  load(): ReturnType<Admission['load']>;
  /** Refuse new work, wait up to `graceMs` for running requests, then stop the threads. */
  close(graceMs?: number): Promise<void>;
}

export function tokenizerRoutes(options: ServerOptions = {}): TokenizerRoutes {
  const opts = serverOptionsSchema.parse(options);
  const token = opts.token ?? (process.env.BIGLM_TOKEN || undefined);

  // Configuration errors surface here, at start: a bad vocabulary path or default name throws.
  const trained: Record<string, string> = {};
  const infos: EncodingInfo[] = listEncodings().map((name) => describeEncoding(name));
  for (const p of opts.vocabularies) {
    const info = describeEncoding(p);
    if (listEncodings().includes(info.name) || Object.hasOwn(trained, info.name)) {
      throw new Error(`vocabulary ${p}: name '${info.name}' is already taken`);
    }
    trained[info.name] = p;
    infos.push(info);
  }
  if (!infos.some((i) => i.name === opts.defaultEncoding)) {
    throw new Error(`default encoding '${opts.defaultEncoding}' is not offered; known: ${infos.map((i) => i.name).join(', ')}`);
  }
  const encodingsJson = Buffer.from(JSON.stringify({ default: opts.defaultEncoding, encodings: infos }));

  const threads = opts.threads ?? availableParallelism();
  const pool = new Piscina({
    filename: workerUrl(import.meta.url, './worker.js'),
    maxThreads: threads,
    minThreads: threads,
    // Workers are long-lived; an idle one keeps its loaded vocabularies.
    idleTimeout: Infinity,
    workerData: { defaultEncoding: opts.defaultEncoding, trained },
  });
  const admission = new Admission({ threads, smallBytes: opts.smallBytes, maxQueue: opts.maxQueue });
  const running = new Set<AbortController>();

  async function tokenizeRoute(req: IncomingMessage, res: ServerResponse, op: Operation): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST with a JSON body' });
    const media = unsupportedMedia(req);
    if (media !== undefined) {
      req.resume();
      return sendJson(res, 415, { error: media });
    }
    const read = await readBody(req, opts.maxBodyBytes);
    if (!read.ok) {
      if (read.status === 413) res.setHeader('connection', 'close');
      return sendJson(res, read.status, { error: read.error });
    }
    const { body } = read;
    const kind = admission.kindOf(body.byteLength);
    let release: () => void;
    try {
      release = await admission.acquire(kind);
    } catch (err) {
      if (err instanceof QueueFullError) {
        return sendJson(res, 503, { error: `busy: ${err.message}; retry after ${err.retryAfterSeconds} s` }, { 'retry-after': String(err.retryAfterSeconds) });
      }
      if (err instanceof ShuttingDownError) return sendJson(res, 503, { error: err.message }, { connection: 'close' });
      throw err;
    }
    const abort = new AbortController();
    running.add(abort);
    const timer = setTimeout(() => abort.abort(new Error('timeout')), opts.requestTimeoutMs);
    try {
      const task: HandleTask = { op, body, defaultEncoding: opts.defaultEncoding, trained, maxTexts: opts.maxTexts };
      const result = (await pool.run(task, { transferList: [body.buffer as ArrayBuffer], signal: abort.signal })) as HandleResult;
      return sendRaw(res, result.status, result.body);
    } catch (err) {
      if (!abort.signal.aborted) throw err;
      const reason = (abort.signal.reason as Error | undefined)?.message;
      if (reason === 'timeout') {
        return sendJson(res, 503, {
          error: `request stopped after ${opts.requestTimeoutMs / 1000} s (the per-request limit); send the texts in smaller requests`,
        });
      }
      return sendJson(res, 503, { error: 'the service is shutting down' }, { connection: 'close' });
    } finally {
      clearTimeout(timer);
      running.delete(abort);
      release();
    }
  }

  return {
    options: opts,
    async route(req, res, url) {
      if (url.pathname === '/healthz') {
        if (req.method !== 'GET') sendJson(res, 405, { error: 'use GET' });
        // The load too: a balancer can see a saturated service, not only a live one.
        else sendJson(res, 200, { ok: true, threads, ...admission.load() });
        return true;
      }
      const op = OPERATIONS[url.pathname];
      if (op === undefined && url.pathname !== '/v1/encodings') return false;
      if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
        req.resume();
        refuseUnauthorized(res);
        return true;
      }
      if (op !== undefined) await tokenizeRoute(req, res, op);
      else if (req.method !== 'GET') sendJson(res, 405, { error: 'use GET' });
      else sendRaw(res, 200, encodingsJson);
      return true;
    },
    load: () => admission.load(),
    async close(graceMs = opts.shutdownGraceMs) {
      admission.close();
      const deadline = Date.now() + graceMs;
      while (running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const abort of running) abort.abort(new Error('shutdown'));
      await pool.destroy();
    },
  };
}
