// The tokenizer service over HTTP (node:http): tokenize, detokenize and count in a piscina pool, so
// a 10 MB request never stalls the event loop; list encodings; health check. Loopback by default,
// optional bearer token, request bodies capped (413).

import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import type { AddressInfo } from 'node:net';
import { Piscina } from 'piscina';
import { z } from 'zod';
import { workerUrl } from '../../pipeline/core/worker-url.js';
import { describeEncoding, listEncodings, type EncodingInfo } from '../index.js';
import type { HandleResult, HandleTask, Operation } from './handle.js';

export const serverOptionsSchema = z
  .object({
    host: z.string().default('127.0.0.1').describe('address to listen on; loopback unless told otherwise'),
    port: z.number().int().min(0).max(65535).default(8080).describe('TCP port (0: any free port)'),
    token: z.string().min(1).optional().describe('bearer token required on /v1/* (default: env BIGLM_TOKEN, else none)'),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(32 * 1024 * 1024)
      .describe('largest request body accepted; larger ones get 413'),
    threads: z.number().int().positive().optional().describe('tokenizer worker threads (default: available cores)'),
    defaultEncoding: z.string().default('cl100k_base').describe('encoding used when a request names none'),
    vocabularies: z.array(z.string()).default([]).describe('trained vocabularies to offer (paths), listed under their names'),
  })
  .strict();

export type ServerOptions = z.input<typeof serverOptionsSchema>;

export interface TokenizerServer {
  url: string;
  close(): Promise<void>;
}

const ROUTES: Record<string, Operation> = {
  '/v1/tokenize': 'tokenize',
  '/v1/detokenize': 'detokenize',
  '/v1/count': 'count',
};

export async function startTokenizerServer(options: ServerOptions = {}): Promise<TokenizerServer> {
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
  const encodingsJson = JSON.stringify({ default: opts.defaultEncoding, encodings: infos });

  const threads = opts.threads ?? availableParallelism();
  const pool = new Piscina({
    filename: workerUrl(import.meta.url, './worker.js'),
    maxThreads: threads,
    minThreads: threads,
    // Workers are long-lived; an idle one keeps its loaded vocabularies.
    idleTimeout: Infinity,
    workerData: { defaultEncoding: opts.defaultEncoding, trained },
  });

  const server = createServer((req, res) => {
    route(req, res).catch((err: Error) => send(res, 500, { error: `internal error: ${err.message}` }));
  });
  // A client that sends garbage or vanishes must not take the server down.
  server.on('clientError', (_err, socket) => socket.destroy());

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') {
      if (req.method !== 'GET') return send(res, 405, { error: 'use GET' });
      return send(res, 200, { ok: true });
    }
    const isEncodings = url.pathname === '/v1/encodings';
    const op = ROUTES[url.pathname];
    if (!isEncodings && op === undefined) return send(res, 404, { error: `no route ${url.pathname}` });
    if (token !== undefined && !authorized(req.headers.authorization, token)) {
      res.setHeader('www-authenticate', 'Bearer');
      return send(res, 401, { error: 'missing or wrong bearer token' });
    }
    if (isEncodings) {
      if (req.method !== 'GET') return send(res, 405, { error: 'use GET' });
      return sendRaw(res, 200, Buffer.from(encodingsJson));
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST with a JSON body' });
    const body = await readBody(req, opts.maxBodyBytes);
    if (body === undefined) {
      res.setHeader('connection', 'close');
      return send(res, 413, { error: `request body larger than ${opts.maxBodyBytes} bytes` });
    }
    const task: HandleTask = { op, body, defaultEncoding: opts.defaultEncoding, trained };
    const result = (await pool.run(task, { transferList: [body.buffer as ArrayBuffer] })) as HandleResult;
    return sendRaw(res, result.status, result.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pool.destroy();
    },
  };
}

function authorized(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/i.exec(header ?? '');
  if (m === null) return false;
  const given = Buffer.from(m[1]);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** The body in a fresh buffer of its own (safe to transfer), or undefined past the limit. */
async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      return undefined;
    }
    chunks.push(chunk);
  }
  // Not Buffer.concat: small results may share Node's buffer pool, which must never be transferred.
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return body;
}

function send(res: ServerResponse, status: number, value: unknown): void {
  sendRaw(res, status, Buffer.from(JSON.stringify(value)));
}

function sendRaw(res: ServerResponse, status: number, body: Uint8Array): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.byteLength });
  res.end(body);
}
