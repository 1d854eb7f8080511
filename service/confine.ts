// Paths a job config names must stay inside the service's roots: inputs under --data-root, runs under
// --runs-root. Checked before anything is read: an absolute path outside, a `..` segment, a symlink whose
// target leaves the root, or a URL scheme that is not allowed is refused (403) by name.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { globBase, isGlob } from '../pipeline/config/glob.js';

export class ForbiddenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):/i;

export interface Root {
  /** What the root is called in messages (`--data-root`). */
  flag: string;
  /** Absolute and symlink-free (realpath at start). */
  dir: string;
}

/** `p` as an absolute path inside `root`, or a ForbiddenError saying why not. Nothing is read but link targets. */
export async function confine(p: string, root: Root, field: string, allowedSchemes: readonly string[] = []): Promise<string> {
  const scheme = URL_SCHEME.exec(p)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme.length > 1) {
    if (!allowedSchemes.includes(scheme)) {
      throw new ForbiddenError(
        `${field} = ${JSON.stringify(p)}: the ${scheme}:// scheme is not allowed here; name a path under ${root.flag}` +
          (allowedSchemes.length > 0 ? ` or a URL with ${allowedSchemes.join(', ')}` : ''),
      );
    }
    return p;
  }
  const negated = p.startsWith('!');
  const bare = negated ? p.slice(1) : p;
  if (bare.split(/[\\/]/).includes('..')) {
    throw new ForbiddenError(`${field} = ${JSON.stringify(p)}: '..' is not allowed; name a path inside ${root.flag} (${root.dir}) without it`);
  }
  const abs = path.resolve(root.dir, bare);
  if (!inside(abs, root.dir)) throw new ForbiddenError(`${field} = ${JSON.stringify(p)}: outside ${root.flag} (${root.dir}); name a path under it`);
  // Globs: the folder before the first wildcard is what must not lead out through a link.
  const fixed = isGlob(abs) ? globBase(abs).base : abs;
  const real = await realExisting(fixed);
  if (!inside(real, root.dir)) {
    throw new ForbiddenError(`${field} = ${JSON.stringify(p)}: leads out of ${root.flag} through a symbolic link (to ${real}); name a path under it`);
  }
  return negated ? `!${abs}` : abs;
}

/** A file an expanded glob found: it must not be a link out of the root either. */
export async function confineFound(file: string, root: Root, field: string): Promise<void> {
  const real = await realExisting(file);
  if (!inside(real, root.dir)) {
    throw new ForbiddenError(`${field}: ${file} is a symbolic link out of ${root.flag} (to ${real}); remove it or name other inputs`);
  }
}

export async function realRoot(dir: string, flag: string): Promise<Root> {
  try {
    return { flag, dir: await fs.realpath(path.resolve(dir)) };
  } catch (e) {
    throw new Error(`${flag} ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder; create it first' : (e as Error).message}`);
  }
}

function inside(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/** realpath of the longest existing prefix, with the missing rest appended (a path that does not exist yet). */
async function realExisting(p: string): Promise<string> {
  const rest: string[] = [];
  for (let cur = p; ; cur = path.dirname(cur)) {
    try {
      return path.join(await fs.realpath(cur), ...rest.reverse());
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(cur) === cur) throw e;
      rest.push(path.basename(cur));
    }
  }
}
