// Storage: every file biglm reads or writes, wherever it lives — a local path, `s3://bucket/key` (AWS or any
// S3-compatible store) or `http(s)://` (read-only). A leaf module: it imports nothing else of biglm's.

import type { Readable } from 'node:stream';
import type { Backend, ObjectInfo } from './backend.js';
import { httpBackend } from './http.js';
import { localBackend } from './local.js';
import { schemeOf } from './location.js';
import { readableOf, readRanged, type ReadOptions } from './read.js';
import { S3_DELETE_BATCH, s3Backend } from './s3.js';
import { readAheadTuning } from './read-ahead.js';
import { readAdaptive } from './read-adaptive.js';
import { matchListing, splitGlob } from './glob.js';
import { isExpiredCredentials } from './retry.js';
import { resetS3Clients } from './s3-client.js';

export type { Backend, ObjectInfo, ReadRange } from './backend.js';
export { StorageAccessError, StorageChangedError, StorageNotFoundError, StorageReadError } from './errors.js';
export { displayLocation, isRemote, joinLocation, parseS3, schemeOf } from './location.js';
export { configureS3, resetS3Clients, s3Settings, type S3Settings } from './s3-client.js';
export { S3_PART_SIZE } from './s3.js';
export { setRetryListener, type ReadOptions } from './read.js';
export { hasGlob, splitGlob } from './glob.js';

export function backendFor(location: string): Backend {
  const scheme = schemeOf(location);
  return scheme === 's3' ? s3Backend : scheme === 'http' ? httpBackend : localBackend;
}

/**
 * One more try, with credentials read again, when the first is refused as expired (a session token that ran
 * out mid-run; the profile or the environment may hold new ones). Reads do the same inside their retries.
 */
async function withFreshCredentials<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (!isExpiredCredentials(e)) throw e;
    resetS3Clients();
    return op();
  }
}

/** Every object below a folder / key prefix, in byte order. */
export async function* listObjects(prefix: string): AsyncIterable<ObjectInfo> {
  let yielded = 0;
  try {
    for await (const o of backendFor(prefix).list(prefix)) {
      yielded++;
      yield o;
    }
  } catch (e) {
    if (yielded > 0 || !isExpiredCredentials(e)) throw e;
    resetS3Clients();
    yield* backendFor(prefix).list(prefix);
  }
}

/** The objects a glob matches (`**`, `*`, `{a,b}`, … as picomatch), in byte order; a plain location lists its folder. */
export async function listGlob(pattern: string): Promise<ObjectInfo[]> {
  const { base, glob } = splitGlob(pattern);
  const found: ObjectInfo[] = [];
  for await (const o of matchListing(base, glob || '**', listObjects(base))) found.push(o);
  return found;
}

export function statObject(location: string): Promise<ObjectInfo | undefined> {
  return withFreshCredentials(() => backendFor(location).stat(location));
}

/**
 * The bytes of an object as they arrive, resuming after dropped connections (read.ts); from S3 and HTTP(S) as one
 * GET stream at the reader's pace, or as several ranged GETs at once while the reader waits on one and more bring
 * more (read-adaptive.ts), unless `BIGLM_READ_CONCURRENCY=1` asks for one GET stream always.
 */
export function readChunks(location: string, opts: ReadOptions = {}): AsyncGenerator<Buffer> {
  const backend = backendFor(location);
  if (backend !== localBackend) {
    const tuning = readAheadTuning();
    if (tuning.concurrency > 1) return readAdaptive(backend, location, opts, tuning);
  }
  return readRanged(backend, location, opts);
}

export function readStream(location: string, opts: ReadOptions = {}): Readable {
  return readableOf(readChunks(location, opts));
}

/** A whole object (or a range of it) in memory: heads, footers, small JSON files. */
export async function readBytes(location: string, opts: ReadOptions = {}): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of readChunks(location, opts)) parts.push(c);
  return Buffer.concat(parts);
}

export async function readText(location: string): Promise<string> {
  return (await readBytes(location)).toString('utf8');
}

/** Readers see all of it or none of it (local: temporary name + rename; S3: one PUT or a completed multipart upload). */
export function writeObject(location: string, data: Uint8Array | string | Readable): Promise<void> {
  // a stream cannot be sent twice; buffers and strings can
  if (typeof data === 'string' || data instanceof Uint8Array) return withFreshCredentials(() => backendFor(location).write(location, data));
  return backendFor(location).write(location, data);
}

export async function renameObject(from: string, to: string): Promise<void> {
  if (schemeOf(from) !== schemeOf(to)) throw new Error(`cannot rename ${from} to ${to}: they are on different storage`);
  return withFreshCredentials(() => backendFor(from).rename(from, to));
}

export function deleteObject(location: string): Promise<void> {
  return withFreshCredentials(() => backendFor(location).delete(location));
}

/** Every object below a folder / key prefix removed (on S3, 1,000 a request); returns how many there were. */
export async function deletePrefix(prefix: string): Promise<number> {
  // listed whole first: deleting while a listing pages on could move the keys its next page starts from
  const found: string[] = [];
  for await (const o of listObjects(prefix)) found.push(o.location);
  for (let i = 0; i < found.length; i += S3_DELETE_BATCH) {
    const batch = found.slice(i, i + S3_DELETE_BATCH);
    await withFreshCredentials(() => backendFor(prefix).deleteMany(batch));
  }
  return found.length;
}
