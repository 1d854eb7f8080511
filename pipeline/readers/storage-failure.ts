// The drop reason for a remote read that failed for good in a table reader (Parquet, Arrow), where the
// format reads by ranges rather than through openDecompressed: the object changed since it was listed, or
// the download kept breaking off after every retry.

import { StorageChangedError, StorageReadError } from '../../storage/index.js';

export function storageFailure(e: unknown): 'read:object_changed' | 'read:download_failed' | undefined {
  if (e instanceof StorageChangedError) return 'read:object_changed';
  if (e instanceof StorageReadError) return 'read:download_failed';
  return undefined;
}
