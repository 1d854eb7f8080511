// Streaming reads that survive the network: one ranged request, and when the connection drops, the body
// ends short or the server answers 5xx, another request from the byte reached (with the first answer's
// ETag, so a changed object fails instead of being spliced). A server that answers a Range request with 200
// and the whole object is read from the start and the bytes before the offset are skipped.

import { Readable } from 'node:stream';
import type { Backend, ReadRange, RangeResponse } from './backend.js';
import { StorageChangedError, StorageReadError } from './errors.js';
import { displayLocation } from './location.js';
import { backoff, isExpiredCredentials, isRetryable, retryPolicy, sleep, TruncatedBodyError, type RetryPolicy } from './retry.js';
import { resetS3Clients } from './s3-client.js';
import { consoleLogger } from '../lib/log.js';

export interface ReadOptions extends ReadRange {
  /** The version listed or stat'ed earlier: a read of another version fails with StorageChangedError. */
  etag?: string;
  /** The size listed earlier: an object of another size fails with StorageChangedError. */
  size?: number;
  policy?: RetryPolicy;
  /**
   * Called once, with what the first answer said of the object and whether it honoured the range (read-ahead
   * plans its next blocks by it).
   */
  onVersion?: (version: Partial<ObjectVersion> & { ranged: boolean }) => void;
}

export interface ObjectVersion {
  etag: string;
  size: number;
}

export type RetryListener = (message: string) => void;

let onRetry: RetryListener = consoleLogger('biglm: ').info;

/** Where retry notices go (the CLI's logger; by default stderr). */
export function setRetryListener(listener: RetryListener): void {
  onRetry = listener;
}

export async function* readRanged(backend: Backend, location: string, opts: ReadOptions = {}): AsyncGenerator<Buffer> {
  const policy = opts.policy ?? retryPolicy();
  const where = displayLocation(location);
  let pos = opts.start ?? 0;
  let end = opts.end;
  let etag = opts.etag;
  let total = opts.size;
  let failures = 0;
  let refreshedCredentials = false;
  let resumed = false;
  let announced = false;
  const again = async (e: unknown): Promise<void> => {
    resumed = true;
    if (isExpiredCredentials(e) && !refreshedCredentials) {
      refreshedCredentials = true;
      resetS3Clients();
      onRetry(`${where}:${pos}: credentials expired; reading them again and retrying`);
      return;
    }
    if (!isRetryable(e)) throw e;
    failures++;
    if (failures > policy.retries) throw new StorageReadError(where, pos, (e as Error).message);
    const wait = backoff(policy, failures);
    onRetry(`${where}:${pos}: ${(e as Error).message}; retry ${failures}/${policy.retries} in ${wait} ms from byte ${pos}`);
    await sleep(wait);
  };
  for (;;) {
    let res: RangeResponse;
    try {
      // The first request is compared with the listed ETag after it answers; a resumed one asks the server
      // (If-Match), which some S3-compatible servers pay for by hashing the object.
      res = await backend.openRange(location, { start: pos, end, etag: resumed ? etag : undefined } as ReadRange & { start: number; etag?: string });
    } catch (e) {
      if (e instanceof StorageChangedError) throw new StorageChangedError(where, pos, `its ETag is no longer ${etag}`);
      await again(e);
      continue;
    }
    if (etag !== undefined && res.etag !== undefined && res.etag !== etag) {
      res.body.destroy();
      throw new StorageChangedError(where, pos, `ETag ${etag}, now ${res.etag}`);
    }
    if (total !== undefined && res.size !== undefined && res.size !== total) {
      res.body.destroy();
      throw new StorageChangedError(where, pos, `${total} bytes, now ${res.size}`);
    }
    if (!announced) {
      announced = true;
      opts.onVersion?.({ etag: res.etag ?? etag, size: res.size ?? total, ranged: res.honoredRange });
    }
    etag ??= res.etag;
    total ??= res.size;
    // a range past the end of the object is what is there (as S3 answers it)
    if (total !== undefined) end = Math.min(end ?? total, total);
    let skip = res.honoredRange ? 0 : pos;
    try {
      for await (const chunk of res.body) {
        let c = chunk as Buffer;
        if (skip > 0) {
          if (c.length <= skip) {
            skip -= c.length;
            continue;
          }
          c = c.subarray(skip);
          skip = 0;
        }
        if (end !== undefined && pos + c.length > end) c = c.subarray(0, end - pos);
        if (c.length === 0) continue;
        pos += c.length;
        failures = 0;
        yield c;
        if (end !== undefined && pos >= end) return;
      }
      if (end !== undefined && pos < end) throw new TruncatedBodyError(where, pos, end);
      return;
    } catch (e) {
      await again(e);
    } finally {
      res.body.destroy();
    }
  }
}

/** The same bytes as a byte stream (1 MiB chunks buffered ahead), for `pipe` into a decompressor. */
export function readableOf(chunks: AsyncIterable<Buffer>): Readable {
  return Readable.from(chunks, { objectMode: false, highWaterMark: 1 << 20 });
}
