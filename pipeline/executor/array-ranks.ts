// Which ranks an array element runs. Schedulers number the elements of an array 0..n-1 and tell each one
// its index in an environment variable; a ranks file (one rank per line, written at submission) maps
// index i to the ranks it runs, so a resume can submit only ranks 3, 17 and 40 as elements 0, 1, 2.
// With `perElement` = K, element i runs entries i*K … i*K+K-1, so one element can run several small ranks.

import { promises as fs } from 'node:fs';
import { isRemote, readText } from '../../storage/index.js';

/** The environment variables that carry an array index, in the order they are tried. */
export const ARRAY_INDEX_VARS = ['SLURM_ARRAY_TASK_ID', 'JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX'] as const;

export class ArrayIndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArrayIndexError';
  }
}

/** The array index from Slurm, Kubernetes Indexed Jobs or AWS Batch. */
export function arrayIndexFromEnv(env: NodeJS.ProcessEnv = process.env): { index: number; variable: string } {
  for (const name of ARRAY_INDEX_VARS) {
    const v = env[name];
    if (v !== undefined && v !== '') {
      if (!/^\d+$/.test(v)) throw new ArrayIndexError(`${name}=${JSON.stringify(v)} is not an array index (a whole number ≥ 0)`);
      return { index: Number(v), variable: name };
    }
  }
  throw new ArrayIndexError(`--rank-from-env: none of ${ARRAY_INDEX_VARS.join(', ')} is set`);
}

/**
 * The ranks array element `index` runs: entries index*K … index*K+K-1 of `ranks` (the ranks file), or of
 * 0..worldSize-1 when there is no ranks file.
 */
export function ranksOfElement(index: number, perElement: number, source: { ranks: number[] } | { worldSize: number }): number[] {
  const total = 'ranks' in source ? source.ranks.length : source.worldSize;
  const first = index * perElement;
  if (first >= total) {
    const what = 'ranks' in source ? `the ranks file lists ${total} rank(s)` : `the step has ${total} rank(s)`;
    throw new ArrayIndexError(`array index ${index} with ${perElement} rank(s) per element is past the end: ${what}`);
  }
  const out: number[] = [];
  for (let j = first; j < Math.min(first + perElement, total); j++) out.push('ranks' in source ? source.ranks[j] : j);
  return out;
}

export function formatRanksFile(ranks: number[]): string {
  return ranks.map(String).join('\n') + '\n';
}

export async function readRanksFile(file: string): Promise<number[]> {
  let text: string;
  try {
    // under Slurm with a run on S3 the ranks file is an object of the run too
    text = isRemote(file) ? await readText(file) : await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new ArrayIndexError(`cannot read ranks file ${file}: ${(e as Error).message}`);
  }
  const ranks: number[] = [];
  text.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (t === '') return;
    if (!/^\d+$/.test(t)) throw new ArrayIndexError(`${file}:${i + 1}: ${JSON.stringify(t)} is not a rank`);
    ranks.push(Number(t));
  });
  return ranks;
}
