// Small HTTP helpers shared by the tokenizer routes and the service built on them: JSON replies, bearer
// checks, listening, and a shutdown that never waits past its deadline.

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  sendRaw(res, status, Buffer.from(JSON.stringify(value)), headers);
}

export function sendRaw(res: ServerResponse, status: number, body: Uint8Array, headers: Record<string, string> = {}, type = 'application/json; charset=utf-8'): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': type, 'content-length': body.byteLength, ...headers });
  res.end(body);
}

export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/i.exec(header ?? '');
  return m !== null && tokenMatches(m[1], token);
}

/** Constant-time comparison, so response times do not reveal how much of a guess was right. */
export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (given === null || given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function refuseUnauthorized(res: ServerResponse): void {
  res.setHeader('www-authenticate', 'Bearer');
  sendJson(res, 401, { error: 'missing or wrong bearer token' });
}

/** Listen and return the URL clients use (IPv6 addresses bracketed). */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
}

/**
 * Stop accepting, let requests in flight finish for up to `graceMs`, then cut every connection. Idle
 * keep-alive sockets are closed at once, so a client holding one open cannot delay the shutdown.
 */
export async function closeServer(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}

export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://localhost');
}
