// The errors a backend throws, by what the caller should do about them: a missing object (a reader counts
// a drop, a listing reports no match), a refusal (wrong or expired credentials: the run cannot go on, exit 2),
// and a changed object (read restarted on a new version would mix two files).

/** The object or file is not there (404, NoSuchKey, ENOENT), or its bucket is not. */
export class StorageNotFoundError extends Error {
  constructor(readonly location: string, detail: string) {
    super(`${location}: not found (${detail})`);
    this.name = 'StorageNotFoundError';
  }
}

/** The server refused the request (401/403, bad signature, expired token): a configuration problem. */
export class StorageAccessError extends Error {
  constructor(readonly location: string, detail: string) {
    super(
      `${location}: access denied (${detail}); ` +
        (location.startsWith('s3://')
          ? 'check the credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, or AWS_PROFILE and ' +
            '~/.aws/credentials) and the endpoint (AWS_ENDPOINT_URL)'
          : 'the server refuses this URL: check that it is public, or use a signed URL or the s3:// location'),
    );
    this.name = 'StorageAccessError';
  }
}

/** The object changed while it was read (another ETag or size when a read resumed): its bytes cannot be joined. */
export class StorageChangedError extends Error {
  constructor(readonly location: string, readonly offset: number, detail: string) {
    super(`${location}:${offset}: the object changed while it was read (${detail})`);
    this.name = 'StorageChangedError';
  }
}

/** A read that kept failing after every retry; `offset` is the byte it had reached. */
export class StorageReadError extends Error {
  constructor(readonly location: string, readonly offset: number, detail: string) {
    super(`${location}:${offset}: read failed after retries (${detail})`);
    this.name = 'StorageReadError';
  }
}
