// Outputs appear atomically: write to a temporary name in the same folder, fsync, rename.

import { promises as fs, constants } from 'node:fs';
import * as path from 'node:path';

export function tempName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = tempName(target);
  const fh = await fs.open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, target);
}

export async function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  await writeFileAtomic(target, JSON.stringify(value, null, 2) + '\n');
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** Remove temporary files a killed task left behind (names from `tempName`). */
export async function removeStaleTemps(dir: string): Promise<number> {
  let removed = 0;
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.startsWith('.') && e.endsWith('.tmp')) {
      await fs.rm(path.join(dir, e), { force: true });
      removed++;
    }
  }
  return removed;
}
