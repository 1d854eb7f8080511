// Where an executor's run directory lives: a local folder, or `s3://bucket/prefix` worked on through a local
// mirror of it (pipeline/runner/remote-run.ts), as `biglm prepare --out s3://…` does — so a run the library
// starts in a bucket resumes from the CLI and the other way round. HTTP(S) is read-only and refused.

import * as path from 'node:path';
import { ConfigError } from '../lib/config-errors.js';
import { openMirror } from '../pipeline/runner/remote-run.js';
import { isRemote, schemeOf } from '../storage/index.js';

export interface RunLocation {
  /** The run directory as the user names it: the resolved local folder, or the s3:// URL (no trailing '/'). */
  shown: string;
  /** The folder tasks work in: the run directory itself, or the local mirror of the bucket's run. */
  local: string;
  /** The bucket's run directory, for a run on S3. */
  remote?: string;
}

/** The remote run directory named by `out`, or undefined for a local folder; HTTP(S) refused, naming `label`. */
export function remoteRunDir(out: string, label: string): string | undefined {
  if (!isRemote(out)) return undefined;
  if (schemeOf(out) !== 's3') throw new ConfigError(`${label} ${out}: HTTP(S) is read-only; write the run to a local folder or s3://bucket/prefix`);
  return out.replace(/\/+$/, '');
}

/**
 * Opens `out` for a run: a bucket's run is mirrored (its markers decide what is done; with `force` every
 * object of it is deleted first). `skip` leaves files out of the pull (relative paths).
 */
export async function openRunLocation(out: string, opts: { force?: boolean; skip?: (rel: string) => boolean; label?: string } = {}): Promise<RunLocation> {
  const remote = remoteRunDir(out, opts.label ?? 'out');
  if (remote === undefined) {
    const local = path.resolve(out);
    return { shown: local, local };
  }
  const local = await openMirror(remote, { force: opts.force ?? false, skip: opts.skip });
  return { shown: remote, local, remote };
}
