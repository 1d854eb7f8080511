// Completion markers (`markers/<step>/<rank>.done`), written last by a task: besides saying "done" they hold
// the length and sha256 of every file the task left, so that whoever reads a file later, or a resumed run that
// skips the task, can tell a damaged file from a good one.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from '../../lib/atomic.js';
import { CorruptTaskOutputError } from '../core/corrupt-output.js';
import type { FileRecord } from './file-record.js';
import { sizeProblem } from './file-record.js';
import { runPaths } from './layout.js';

export interface Marker {
  step: string;
  rank: number;
  finishedAt: string;
  /** Every file the task wrote (markers of runs made before this was recorded have none). */
  outputs?: FileRecord[];
}

export type MarkerState = { kind: 'missing' } | { kind: 'unreadable'; reason: string } | { kind: 'done'; marker: Marker };

export async function writeMarker(runDir: string, step: string, rank: number, outputs: FileRecord[]): Promise<void> {
  const marker: Marker = { step, rank, finishedAt: new Date().toISOString(), outputs };
  await writeJsonAtomic(runPaths.marker(runDir, step, rank), marker);
}

export async function readMarker(runDir: string, step: string, rank: number): Promise<MarkerState> {
  let text: string;
  try {
    text = await fs.readFile(runPaths.marker(runDir, step, rank), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw e;
  }
  try {
    const marker = JSON.parse(text) as Marker;
    if (typeof marker !== 'object' || marker === null || marker.step !== step || marker.rank !== rank) {
      return { kind: 'unreadable', reason: `it does not name ${step}/${rank}` };
    }
    if (marker.outputs !== undefined && !Array.isArray(marker.outputs)) return { kind: 'unreadable', reason: 'its outputs are not a list' };
    return { kind: 'done', marker };
  } catch (e) {
    return { kind: 'unreadable', reason: `it is not JSON (${(e as Error).message})` };
  }
}

/**
 * The record of `file` in the marker of the task (step, rank) that wrote it, after checking its size: a file
 * that is missing or has another length throws CorruptTaskOutputError naming the file, what was expected and
 * what was found, and the task to rerun. Undefined when the marker records no files (a run made before markers
 * did), so that the caller reads the file unchecked, as then.
 */
export async function expectedOutput(runDir: string, file: string, step: string, rank: number): Promise<FileRecord | undefined> {
  const state = await readMarker(runDir, step, rank);
  const producer = { stageName: step, step, rank };
  if (state.kind !== 'done') {
    const why = state.kind === 'missing' ? 'its task has no completion marker' : `its task's marker is unreadable: ${state.reason}`;
    throw new CorruptTaskOutputError(file, producer, why);
  }
  if (state.marker.outputs === undefined) return undefined;
  const rel = path.relative(runDir, file);
  const rec = state.marker.outputs.find((o) => o.path === rel);
  if (rec === undefined) throw new CorruptTaskOutputError(file, producer, `the marker of ${step}/${rank} does not list it`);
  const problem = await sizeProblem(runDir, rec);
  if (problem !== undefined) throw new CorruptTaskOutputError(file, producer, problem);
  return rec;
}
