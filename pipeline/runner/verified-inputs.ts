// A task reads the files earlier tasks of its run wrote (segment documents, a trained vocabulary) only
// after checking them against the records in those tasks' markers: the size before reading, the sha256
// while or before reading. A damaged file throws CorruptTaskOutputError naming the file, what was expected
// and what was found, and the task that wrote it, which the executor reruns before this one.

import * as path from 'node:path';
import type { Doc } from '../core/doc.js';
import { CorruptTaskOutputError } from '../core/corrupt-output.js';
import { readDocJsonl } from '../writers/doc-jsonl.js';
import { fileProblem } from './file-record.js';
import { runPaths } from './layout.js';
import { expectedOutput } from './marker.js';
import { segmentStepName, TOKENIZER_TRAIN_STEP } from './plan.js';
import { RANK_FILE, SIDECAR_FILE } from '../../tokenizer/vocab-file.js';

/** The documents segment k kept for `rank`, checked against the marker of seg<k>/<rank>. */
export async function segmentDocs(runDir: string, k: number, rank: number): Promise<AsyncIterable<Doc>> {
  const file = runPaths.segment(runDir, k, rank);
  const step = segmentStepName(k);
  const record = await expectedOutput(runDir, file, step, rank);
  // No record: a run made before markers recorded files. It is read as then, but a line that is not JSON still
  // names the task to rerun.
  return readDocJsonl(file, { ...(record ? { record } : {}), producer: { stageName: step, step, rank } });
}

/** Checks a whole file (size, then sha256) against the marker of the task that wrote it. */
export async function verifyWholeFile(runDir: string, file: string, step: string, rank: number): Promise<void> {
  const record = await expectedOutput(runDir, file, step, rank);
  if (record === undefined) return;
  const problem = await fileProblem(runDir, record, { hash: true });
  if (problem !== undefined) throw new CorruptTaskOutputError(file, { stageName: step, step, rank }, problem);
}

/** The files of the vocabulary trained by the run's `tokenizer.train` step. */
export function trainedTokenizerFiles(tokenizerDir: string): string[] {
  return [path.join(tokenizerDir, RANK_FILE), path.join(tokenizerDir, SIDECAR_FILE)];
}

/** Checks the run's trained vocabulary before it is loaded. */
export async function verifyTrainedTokenizer(runDir: string, tokenizerDir: string): Promise<void> {
  for (const file of trainedTokenizerFiles(tokenizerDir)) await verifyWholeFile(runDir, file, TOKENIZER_TRAIN_STEP, 0);
}
