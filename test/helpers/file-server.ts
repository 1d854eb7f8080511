// A static file server on 127.0.0.1 (random port) over a folder, with or without Range support, and able to
// fail on purpose: the first answers 503, or a body cut off after some bytes.

import { createServer, type Server } from 'node:http';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface FileServerOptions {
  /** Honour `Range: bytes=a-b` with 206 (default); false answers 200 with the whole file, as some servers do. */
  ranges?: boolean;
  /** Answer the first N requests with 503. */
  fail503?: number;
  /** Cut the first N bodies (GET) after `cutAfter` bytes by destroying the socket. */
  cutBodies?: number;
  cutAfter?: number;
  /** Paths answered with 403 (a bucket or CDN that refuses them). */
  forbidden?: string[];
}

export interface FileServer {
  url: string;
  requests: { method: string; path: string; range?: string; status: number }[];
  close(): Promise<void>;
}

export async function startFileServer(root: string, opts: FileServerOptions = {}): Promise<FileServer> {
  const requests: FileServer['requests'] = [];
  let failures = opts.fail503 ?? 0;
  let cuts = opts.cutBodies ?? 0;
  const server: Server = createServer(async (req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(root, path.normalize(rel));
    const log = { method: req.method ?? 'GET', path: rel, range: req.headers.range, status: 0 };
    requests.push(log);
    if (opts.forbidden?.includes(rel)) {
      log.status = 403;
      res.writeHead(403).end('forbidden');
      return;
    }
    if (failures > 0) {
      failures--;
      log.status = 503;
      res.writeHead(503).end('busy');
      return;
    }
    let data: Buffer;
    try {
      if (!file.startsWith(root)) throw new Error('outside');
      data = await fs.readFile(file);
    } catch {
      log.status = 404;
      res.writeHead(404).end('not found');
      return;
    }
    const etag = `"${data.length}-${(await fs.stat(file)).mtimeMs}"`;
    let start = 0;
    let end = data.length;
    let status = 200;
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (m && opts.ranges !== false) {
      start = Number(m[1]);
      end = m[2] ? Math.min(data.length, Number(m[2]) + 1) : data.length;
      if (start >= data.length) {
        log.status = 416;
        res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
        return;
      }
      status = 206;
    }
    const headers: Record<string, string | number> = { 'content-length': end - start, etag };
    if (opts.ranges !== false) headers['accept-ranges'] = 'bytes';
    if (status === 206) headers['content-range'] = `bytes ${start}-${end - 1}/${data.length}`;
    log.status = status;
    res.writeHead(status, headers);
    if (req.method === 'HEAD') return void res.end();
    const body = data.subarray(start, end);
    if (cuts > 0 && body.length > (opts.cutAfter ?? 0)) {
      cuts--;
      res.write(body.subarray(0, opts.cutAfter ?? 0), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
