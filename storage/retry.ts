// Which failures are worth another request, and how long to wait before it. Connection resets, timeouts,
// 5xx and 429 answers and bodies cut short are retried; a missing object, a refusal and a changed object
// are not (expired credentials get one more try, with credentials read again).

import { StorageAccessError, StorageChangedError, StorageNotFoundError } from './errors.js';

export interface RetryPolicy {
  /** Tries after the first failure of one read (each byte of progress starts the count again). */
  retries: number;
  /** First wait; doubles each try, up to 8 s. */
  backoffMs: number;
}

export function retryPolicy(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  return {
    retries: Number(env.BIGLM_STORAGE_RETRIES ?? 6),
    backoffMs: Number(env.BIGLM_STORAGE_BACKOFF_MS ?? 250),
  };
}

export function backoff(policy: RetryPolicy, failure: number): number {
  return Math.min(8000, policy.backoffMs * 2 ** (failure - 1));
}

export function isExpiredCredentials(e: unknown): boolean {
  return e instanceof StorageAccessError && /ExpiredToken|TokenRefreshRequired|expired/i.test(e.message);
}

export function isRetryable(e: unknown): boolean {
  if (e instanceof StorageNotFoundError || e instanceof StorageChangedError || e instanceof StorageAccessError) return false;
  const err = e as Error & { code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; cause?: { code?: string } };
  const status = err.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (err.name === 'HttpRetryableError' || err.name === 'TruncatedBodyError' || err.name === 'TimeoutError') return true;
  const code = err.code ?? err.cause?.code;
  if (code && /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|UND_ERR_\w+|ERR_STREAM_PREMATURE_CLOSE)$/.test(code)) return true;
  // undici's "terminated" / "fetch failed", node:http's "aborted" / "socket hang up"
  return /terminated|fetch failed|aborted|socket hang up|premature close/i.test(err.message ?? '');
}

/** A body that ended before the bytes the server promised. */
export class TruncatedBodyError extends Error {
  constructor(location: string, at: number, expected: number) {
    super(`${location}: the connection ended at byte ${at} of ${expected}`);
    this.name = 'TruncatedBodyError';
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
