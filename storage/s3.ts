// S3 and S3-compatible object stores through the AWS SDK v3 client (multipart uploads by @aws-sdk/lib-storage).
// Object stores have no rename: `rename` is copy + delete, and `write` relies on a PUT (or the completion of a
// multipart upload) being atomic — readers see the old object, or the whole new one.

import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import type { Backend, ObjectInfo, RangeResponse, ReadRange } from './backend.js';
import { StorageAccessError, StorageChangedError, StorageNotFoundError } from './errors.js';
import { parseS3 } from './location.js';
import { s3Client } from './s3-client.js';
import { backoff, isRetryable, retryPolicy, sleep } from './retry.js';

/** Keys one DeleteObjects request may name (S3's limit). */
export const S3_DELETE_BATCH = 1000;

/** 8 MiB parts: S3's minimum is 5 MiB, its maximum 10,000 parts per object (80 GB at this size). */
export const S3_PART_SIZE = 8 << 20;

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound', 'NoSuchBucket', 'NoSuchUpload']);
const DENIED = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'TokenRefreshRequired',
  'InvalidToken',
  'CredentialsProviderError',
  'AllAccessDisabled',
]);

/** Turns the SDK's errors into the three kinds callers act on; anything else (5xx, resets) is rethrown for retry. */
export function mapS3Error(location: string, e: unknown): never {
  const err = e as Error & { Code?: string; $metadata?: { httpStatusCode?: number } };
  const name = err.name ?? err.Code;
  const status = err.$metadata?.httpStatusCode;
  if (NOT_FOUND.has(name) || status === 404) throw new StorageNotFoundError(location, name === 'NoSuchBucket' ? 'no such bucket' : name ?? 'HTTP 404');
  if (DENIED.has(name) || status === 403 || status === 401) throw new StorageAccessError(location, `${name ?? `HTTP ${status}`}: ${err.message}`);
  if (name === 'PreconditionFailed' || status === 412) throw new StorageChangedError(location, 0, 'its ETag is not the one first read');
  throw e;
}

function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/**
 * One DeleteObjects request, tried again with backoff after a 5xx or a reset beyond the SDK's own quick
 * retries: deleting is idempotent, and a store may fail a batch as a whole (s3rver does when two of its
 * deletes empty the same folder at once). Returns the keys the store says it could not delete.
 */
async function deleteBatch(bucket: string, keys: string[]): Promise<{ Key?: string; Code?: string; Message?: string }[]> {
  const policy = retryPolicy();
  for (let failures = 0; ; ) {
    try {
      // Quiet: the answer lists only the keys that could not be deleted
      const out = await s3Client().send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
      return out.Errors ?? [];
    } catch (e) {
      if (!isRetryable(e) || ++failures > policy.retries) mapS3Error(s3Url(bucket, keys[0]), e);
      await sleep(backoff(policy, failures));
    }
  }
}

export const s3Backend: Backend = {
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const { bucket, key } = parseS3(prefix);
    // A prefix names a folder: `runs/x` lists `runs/x/…`, never `runs/x2/…`.
    const folder = key === '' || key.endsWith('/') ? key : `${key}/`;
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await s3Client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: folder, ContinuationToken: token }));
      } catch (e) {
        mapS3Error(prefix, e);
      }
      // S3 lists keys in UTF-8 byte order, the order every listing here promises.
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined || o.Key.endsWith('/')) continue;
        yield { location: s3Url(bucket, o.Key), size: o.Size ?? 0, etag: o.ETag };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  },

  async stat(location: string): Promise<ObjectInfo | undefined> {
    const { bucket, key } = parseS3(location);
    try {
      const head = await s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { location, size: head.ContentLength ?? 0, etag: head.ETag };
    } catch (e) {
      // A HEAD answer has no body to name its error; S3 answers 400 to one signed with an expired session token.
      if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 400) {
        throw new StorageAccessError(location, 'HTTP 400 to a HEAD request, as S3 answers when the session token has expired');
      }
      try {
        mapS3Error(location, e);
      } catch (mapped) {
        // a missing bucket is a configuration error, a missing key just "nothing there"
        if (mapped instanceof StorageNotFoundError && !mapped.message.includes('no such bucket')) return undefined;
        throw mapped;
      }
    }
  },

  async openRange(location: string, range: ReadRange & { start: number; etag?: string }): Promise<RangeResponse> {
    const { bucket, key } = parseS3(location);
    const bytes = `bytes=${range.start}-${range.end !== undefined ? range.end - 1 : ''}`;
    if (range.end !== undefined && range.end <= range.start) return { body: Readable.from([]), honoredRange: true, etag: range.etag };
    try {
      const out = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: bytes, IfMatch: range.etag }));
      const total = /\/(\d+)$/.exec(out.ContentRange ?? '')?.[1];
      return {
        body: out.Body as Readable,
        etag: out.ETag,
        size: total !== undefined ? Number(total) : undefined,
        honoredRange: out.ContentRange !== undefined || range.start === 0,
      };
    } catch (e) {
      const err = e as Error & { $metadata?: { httpStatusCode?: number } };
      // asking for bytes at or past the end of an object: nothing left to read
      if (err.name === 'InvalidRange' || err.$metadata?.httpStatusCode === 416) return { body: Readable.from([]), honoredRange: true, etag: range.etag };
      mapS3Error(location, e);
    }
  },

  async write(location: string, data: Uint8Array | string | Readable): Promise<void> {
    const { bucket, key } = parseS3(location);
    const body = typeof data === 'string' ? Buffer.from(data) : data;
    // Upload sends one PUT below a part's size and a multipart upload above; the object appears when it completes.
    const upload = new Upload({ client: s3Client(), params: { Bucket: bucket, Key: key, Body: body }, partSize: S3_PART_SIZE, queueSize: 4 });
    try {
      await upload.done();
    } catch (e) {
      mapS3Error(location, e);
    }
  },

  async rename(from: string, to: string): Promise<void> {
    const src = parseS3(from);
    const dst = parseS3(to);
    try {
      await s3Client().send(
        new CopyObjectCommand({ Bucket: dst.bucket, Key: dst.key, CopySource: `${src.bucket}/${src.key.split('/').map(encodeURIComponent).join('/')}` }),
      );
      await s3Client().send(new DeleteObjectCommand({ Bucket: src.bucket, Key: src.key }));
    } catch (e) {
      mapS3Error(from, e);
    }
  },

  async delete(location: string): Promise<void> {
    const { bucket, key } = parseS3(location);
    try {
      await s3Client().send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (e) {
      mapS3Error(location, e);
    }
  },

  async deleteMany(locations: string[]): Promise<void> {
    const byBucket = new Map<string, string[]>();
    for (const location of locations) {
      const { bucket, key } = parseS3(location);
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), key]);
    }
    for (const [bucket, keys] of byBucket) {
      for (let i = 0; i < keys.length; i += S3_DELETE_BATCH) {
        const batch = keys.slice(i, i + S3_DELETE_BATCH);
        const errors = await deleteBatch(bucket, batch);
        // a refusal of one key is the refusal of the request: the same credentials ask for all of them
        const failed = errors.find((e) => e.Code !== 'NoSuchKey');
        if (failed) {
          mapS3Error(s3Url(bucket, failed.Key ?? batch[0]), Object.assign(new Error(failed.Message ?? failed.Code ?? 'DeleteObjects failed'), { name: failed.Code ?? 'Error' }));
        }
      }
    }
  },
};
