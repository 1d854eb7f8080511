// Input patterns → sorted absolute file list. Supports `*`, `?`, `**` and `{a,b}` (Node 20 has no fs.glob).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const MAGIC = /[*?{[]/;

export async function expandInputs(patterns: readonly string[], baseDir: string): Promise<{ files: string[]; unmatched: string[] }> {
  const files = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    const abs = path.resolve(baseDir, pattern);
    const matches = MAGIC.test(pattern) ? await globFiles(abs) : await plainPath(abs);
    if (matches.length === 0) unmatched.push(pattern);
    for (const m of matches) files.add(m);
  }
  // Byte order, not locale order: the file index is part of every document's order key.
  return { files: [...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), unmatched };
}

/** A plain path: the file itself, or every file below a directory. */
async function plainPath(abs: string): Promise<string[]> {
  let st;
  try {
    st = await fs.stat(abs);
  } catch {
    return [];
  }
  if (st.isFile()) return [abs];
  if (st.isDirectory()) return walk(abs);
  return [];
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

async function globFiles(absPattern: string): Promise<string[]> {
  const parts = absPattern.split(path.sep);
  const firstMagic = parts.findIndex((p) => MAGIC.test(p));
  const root = parts.slice(0, firstMagic).join(path.sep) || path.sep;
  const re = globToRegExp(absPattern);
  let candidates: string[];
  try {
    candidates = await walk(root);
  } catch {
    return [];
  }
  return candidates.filter((f) => re.test(f));
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
