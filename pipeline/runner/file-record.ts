// Length and sha256 of the files a task leaves, as recorded in its completion marker, and the checks a
// consumer or a resumed run makes against them. Small functions on paths, so that a storage layer other
// than the local disk can take them over.

import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface FileRecord {
  /** Relative to the run directory. */
  path: string;
  bytes: number;
  sha256: string;
}

/** The record of `content`, about to be written (or just written) to `file`. */
export function recordOf(runDir: string, file: string, content: string | Uint8Array): FileRecord {
  const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
  return { path: path.relative(runDir, file), bytes, sha256: createHash('sha256').update(content).digest('hex') };
}

/** The record of a file on disk, read once. */
export async function recordFile(runDir: string, file: string): Promise<FileRecord> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { path: path.relative(runDir, file), bytes, sha256: hash.digest('hex') };
}

/** What is wrong with the file's size (missing, other length), or undefined when it has the recorded one. */
export async function sizeProblem(runDir: string, rec: FileRecord): Promise<string | undefined> {
  let size: number;
  try {
    size = (await fs.stat(path.join(runDir, rec.path))).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return `is missing (expected ${describe(rec)})`;
    throw e;
  }
  return size === rec.bytes ? undefined : `has ${size} bytes, expected ${rec.bytes} (truncated or rewritten)`;
}

/** What is wrong with the file: its size, else (with `hash`) its sha256; undefined when it matches its record. */
export async function fileProblem(runDir: string, rec: FileRecord, opts: { hash: boolean }): Promise<string | undefined> {
  const size = await sizeProblem(runDir, rec);
  if (size !== undefined || !opts.hash) return size;
  const found = await recordFile(runDir, path.join(runDir, rec.path));
  return found.sha256 === rec.sha256 ? undefined : hashMismatch(found.sha256, rec.sha256);
}

export function hashMismatch(found: string, expected: string): string {
  return `sha256 is ${found.slice(0, 12)}…, expected ${expected.slice(0, 12)}… (same length, other bytes)`;
}

function describe(rec: FileRecord): string {
  return `${rec.bytes} bytes, sha256 ${rec.sha256.slice(0, 12)}…`;
}
