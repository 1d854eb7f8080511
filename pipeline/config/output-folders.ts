// Folders and globs never reach into biglm's own output folders (a prepare run, a mixed run, mask's
// examples): with `--out` inside the input glob, a rerun would otherwise see its own shards and text as new
// inputs (and refuse to resume: "a different config"), and a sibling run would read them as documents. They
// are told by what biglm writes there first: a prepare run's `plan.json` (next to its `config.json`), or a
// `manifest.json` of kind `biglm-…`. A file named on its own (no glob, no folder) is read wherever it is.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Whether biglm writes its outputs to `dir`. */
export async function isBiglmOutput(dir: string): Promise<boolean> {
  const plan = await readJson(path.join(dir, 'plan.json'));
  if (Array.isArray(plan?.steps) && Array.isArray(plan?.rankFiles) && (await exists(path.join(dir, 'config.json')))) return true;
  const kind = (await readJson(path.join(dir, 'manifest.json')))?.kind;
  return typeof kind === 'string' && kind.startsWith('biglm-');
}

/** Leaves out the files a listing found under biglm output folders, and remembers how many under which. */
export class OutputFolders {
  private readonly known = new Map<string, Promise<boolean>>();
  /** Output folder → the files found under it (that the pattern would have matched). */
  readonly skipped = new Map<string, Set<string>>();

  /** `files` found below `root`, without those under an output folder (`root` itself included). */
  async leaveOut(root: string, files: readonly string[]): Promise<string[]> {
    // One decision per folder, not per file: a listing of 100,000 files has a few hundred folders.
    const folderOf = new Map<string, string | undefined>();
    for (const file of files) {
      const dir = path.dirname(file);
      if (!folderOf.has(dir)) folderOf.set(dir, await this.outputFolderOf(root, dir));
    }
    const kept: string[] = [];
    for (const file of files) {
      const folder = folderOf.get(path.dirname(file));
      if (folder === undefined) kept.push(file);
      else this.skipped.set(folder, (this.skipped.get(folder) ?? new Set()).add(file));
    }
    return kept;
  }

  /** The outermost output folder from `root` down to `dir`, if any. */
  private async outputFolderOf(root: string, dir: string): Promise<string | undefined> {
    const rel = path.relative(root, dir);
    const parts = rel === '' ? [] : rel.split(path.sep);
    for (let depth = 0, at = root; depth <= parts.length; at = path.join(at, parts[depth++] ?? '')) {
      let known = this.known.get(at);
      if (known === undefined) this.known.set(at, (known = isBiglmOutput(at)));
      if (await known) return at;
    }
    return undefined;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // absent, or not JSON: a user's own file of that name
  }
}
