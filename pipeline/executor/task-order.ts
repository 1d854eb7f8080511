// The order the local executor hands out a step's ranks: biggest input first (longest processing time first).
// A step ends when its last task does; started last, a long task would leave the other threads idle while it
// runs, started first it overlaps the rest. Input bytes stand in for work: the files of a first-segment rank,
// or the document file the segment before wrote for it. Ranks of other steps keep their order.

import { promises as fs } from 'node:fs';
import type { OpenedRun } from './run-dir.js';
import { runPaths } from '../runner/layout.js';
import { isRemote } from '../../storage/index.js';

export async function largestFirst(run: Pick<OpenedRun, 'runDir' | 'config' | 'plan'>, stepName: string, ranks: number[]): Promise<number[]> {
  const step = run.plan.steps.find((s) => s.name === stepName);
  if (step?.kind !== 'segment' || ranks.length < 2) return ranks;
  const inputs = (rank: number): string[] =>
    step.segment === 0 ? run.plan.rankFiles[rank].map((i) => run.config.inputs[i]) : [runPaths.segment(run.runDir, step.segment - 1, rank)];
  const bytes = new Map<number, number>();
  for (const rank of ranks) {
    let total = 0;
    // a missing or unreadable input is reported by its task; here it only sorts last. Remote inputs are not
    // asked (a HEAD each would delay the first task by minutes on a snapshot) and keep their order.
    for (const file of inputs(rank)) if (!isRemote(file)) total += await fs.stat(file).then((s) => s.size, () => 0);
    bytes.set(rank, total);
  }
  return [...ranks].sort((a, b) => bytes.get(b)! - bytes.get(a)! || a - b);
}
