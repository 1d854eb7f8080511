// Input patterns → sorted absolute file list. Supports `*`, `?`, `**` and `{a,b}` (Node 20 has no fs.glob).
//
// Folders and globs never descend into biglm's own output folders (a prepare run, a mixed run, mask's
// examples): with `--out` inside the input glob, a rerun would otherwise see its own shards and text as new
// inputs (and refuse to resume: "a different config"), and a sibling run would read them as documents. They are
// told by what biglm writes there first: `plan.json` of a prepare run, or a `manifest.json` of kind `biglm-…`.
// A file named on its own (no glob) is read wherever it is: that is asked for.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const MAGIC = /[*?{[]/;

export interface ExpandedInputs {
  files: string[];
  unmatched: string[];
  /** biglm output folders a glob or folder reached, with how many of their files it would have matched. */
  skippedRunDirs: { dir: string; files: number }[];
}

/** Output folder → the files under it that the pattern would have matched. */
type Skipped = Map<string, Set<string>>;

export async function expandInputs(patterns: readonly string[], baseDir: string): Promise<ExpandedInputs> {
  const files = new Set<string>();
  const unmatched: string[] = [];
  const skipped: Skipped = new Map();
  for (const pattern of patterns) {
    const abs = path.resolve(baseDir, pattern);
    const matches = MAGIC.test(pattern) ? await globFiles(abs, skipped) : await plainPath(abs, skipped);
    if (matches.length === 0) unmatched.push(pattern);
    for (const m of matches) files.add(m);
  }
  const skippedRunDirs = [...skipped]
    .filter(([, inside]) => inside.size > 0)
    .map(([dir, inside]) => ({ dir, files: inside.size }))
    .sort((a, b) => (a.dir < b.dir ? -1 : 1));
  // Byte order, not locale order: the file index is part of every document's order key.
  return { files: [...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), unmatched, skippedRunDirs };
}

/** A plain path: the file itself, or every file below a directory. */
async function plainPath(abs: string, skipped: Skipped): Promise<string[]> {
  let st;
  try {
    st = await fs.stat(abs);
  } catch {
    return [];
  }
  if (st.isFile()) return [abs];
  if (st.isDirectory()) return walk(abs, skipped, () => true);
  return [];
}

/** Files below `dir` that `wanted` accepts, biglm's output folders left out (and noted in `skipped`). */
async function walk(dir: string, skipped: Skipped | undefined, wanted: (file: string) => boolean): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  if (skipped && (await isBiglmOutput(dir, entries.map((e) => e.name)))) {
    const inside = skipped.get(dir) ?? new Set();
    for (const f of await walk(dir, undefined, wanted)) inside.add(f);
    skipped.set(dir, inside);
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p, skipped, wanted)));
    else if (e.isFile() && wanted(p)) out.push(p);
  }
  return out;
}

/** Whether `dir` (whose entries are `names`) is a folder biglm writes its outputs to. */
export async function isBiglmOutput(dir: string, names: readonly string[]): Promise<boolean> {
  if (names.includes('plan.json') && names.includes('config.json')) {
    const plan = await readJson(path.join(dir, 'plan.json'));
    if (Array.isArray(plan?.steps) && Array.isArray(plan?.rankFiles)) return true;
  }
  if (names.includes('manifest.json')) {
    const kind = (await readJson(path.join(dir, 'manifest.json')))?.kind;
    if (typeof kind === 'string' && kind.startsWith('biglm-')) return true;
  }
  return false;
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // not JSON, or gone: a user's own file of that name
  }
}

async function globFiles(absPattern: string, skipped: Skipped): Promise<string[]> {
  const parts = absPattern.split(path.sep);
  const firstMagic = parts.findIndex((p) => MAGIC.test(p));
  const root = parts.slice(0, firstMagic).join(path.sep) || path.sep;
  const re = globToRegExp(absPattern);
  try {
    return await walk(root, skipped, (f) => re.test(f));
  } catch {
    return [];
  }
}

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more directories.
        re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += glob[i + 2] === '/' ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += '(?:' + glob.slice(i + 1, end).split(',').map(escape).join('|') + ')';
        i = end;
      }
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

function escape(s: string): string {
  return s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}
