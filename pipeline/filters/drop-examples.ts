// Reads back what the filter wrapper kept about dropped documents, for `biglm inspect`: per stage,
// per reason, the count over all ranks and the first examples (ranks in order, so the answer is stable).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EXAMPLES_PER_REASON, type DropExample, type ExamplesFile } from './define-filter.js';

export interface ReasonDrops {
  count: number;
  examples: DropExample[];
}
export interface StageDrops {
  /** Documents that entered the stage (all ranks that wrote an examples file). */
  in: number;
  reasons: Record<string, ReasonDrops>;
}

/** Drops by stage and reason with examples, from `<runDir>/excluded/<stage>/<rank>.examples.json`. */
export async function readDropExamples(runDir: string): Promise<Record<string, StageDrops>> {
  const root = path.join(runDir, 'excluded');
  let stages: string[];
  try {
    stages = (await fs.readdir(root)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  const out: Record<string, StageDrops> = {};
  for (const stage of stages) {
    const dir = path.join(root, stage);
    const files = (await fs.readdir(dir))
      .filter((f) => /^\d+\.examples\.json$/.test(f))
      .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    if (files.length === 0) continue;
    const acc: StageDrops = { in: 0, reasons: {} };
    for (const f of files) {
      const file = JSON.parse(await fs.readFile(path.join(dir, f), 'utf8')) as ExamplesFile;
      acc.in += file.in;
      for (const [reason, n] of Object.entries(file.dropped)) {
        const r = (acc.reasons[reason] ??= { count: 0, examples: [] });
        r.count += n;
        for (const ex of file.examples[reason] ?? []) if (r.examples.length < EXAMPLES_PER_REASON) r.examples.push(ex);
      }
    }
    out[stage] = acc;
  }
  return out;
}
