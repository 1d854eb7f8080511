// Read-only HTTP(S): `https://data.commoncrawl.org/…` and any static file server. A server that supports
// ranges answers 206; one that does not answers 200 with the whole file, which read.ts handles by skipping
// the bytes it already has. There is no listing over HTTP: inputs name files, or a paths file lists them.

import { Readable } from 'node:stream';
import type { Backend, ObjectInfo, RangeResponse, ReadRange } from './backend.js';
import { StorageAccessError, StorageChangedError, StorageNotFoundError } from './errors.js';
import { displayLocation } from './location.js';

/** A 5xx or 429 answer: worth another try. */
export class HttpRetryableError extends Error {
  constructor(readonly location: string, readonly status: number) {
    super(`${displayLocation(location)}: HTTP ${status}`);
    this.name = 'HttpRetryableError';
  }
}

function fail(location: string, status: number, statusText: string): never {
  const where = displayLocation(location);
  if (status === 404 || status === 410) throw new StorageNotFoundError(where, `HTTP ${status} ${statusText}`);
  if (status === 401 || status === 403) throw new StorageAccessError(where, `HTTP ${status} ${statusText}`);
  if (status === 412) throw new StorageChangedError(where, 0, 'HTTP 412: its ETag is not the one first read');
  if (status >= 500 || status === 429) throw new HttpRetryableError(location, status);
  throw new Error(`${where}: HTTP ${status} ${statusText}`);
}

function readOnly(location: string): never {
  throw new Error(`${displayLocation(location)}: HTTP(S) locations are read-only; write the run to a local folder or s3://`);
}

export const httpBackend: Backend = {
  // eslint-disable-next-line require-yield
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    throw new Error(
      `${displayLocation(prefix)}: HTTP(S) has no listing, so globs and folders cannot be expanded there; name each file, or give a paths file (--input-list)`,
    );
  },

  async stat(location: string): Promise<ObjectInfo | undefined> {
    const res = await fetch(location, { method: 'HEAD', redirect: 'follow' });
    if (res.status === 404 || res.status === 410) return undefined;
    if (!res.ok) fail(location, res.status, res.statusText);
    const len = res.headers.get('content-length');
    return { location, size: len !== null ? Number(len) : NaN, etag: res.headers.get('etag') ?? undefined };
  },

  async openRange(location: string, range: ReadRange & { start: number; etag?: string }): Promise<RangeResponse> {
    const headers: Record<string, string> = {};
    if (range.start > 0 || range.end !== undefined) headers.range = `bytes=${range.start}-${range.end !== undefined ? range.end - 1 : ''}`;
    // only a strong ETag can be compared across requests
    if (range.etag && !range.etag.startsWith('W/')) headers['if-match'] = range.etag;
    const res = await fetch(location, { headers, redirect: 'follow' });
    if (res.status === 416) {
      await res.body?.cancel();
      return { body: Readable.from([]), honoredRange: true, etag: range.etag };
    }
    if (!res.ok) {
      await res.body?.cancel();
      fail(location, res.status, res.statusText);
    }
    const total = /\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1];
    const len = res.headers.get('content-length');
    const honoredRange = res.status === 206 || headers.range === undefined;
    const size = total !== undefined ? Number(total) : !honoredRange || headers.range === undefined ? (len !== null ? Number(len) : undefined) : undefined;
    const body = res.body ? Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>) : Readable.from([]);
    return { body, etag: res.headers.get('etag') ?? undefined, size, honoredRange };
  },

  write: async (location) => readOnly(location),
  rename: async (from) => readOnly(from),
  delete: async (location) => readOnly(location),
  deleteMany: async (locations) => readOnly(locations[0] ?? 'https://'),
};
