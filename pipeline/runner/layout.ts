// Paths inside a run directory (see docs/architecture.md). One place, so every executor agrees.

import * as path from 'node:path';

export const runPaths = {
  config: (run: string) => path.join(run, 'config.json'),
  plan: (run: string) => path.join(run, 'plan.json'),
  manifest: (run: string) => path.join(run, 'manifest.json'),
  stats: (run: string) => path.join(run, 'stats.json'),
  report: (run: string) => path.join(run, 'report.txt'),
  segment: (run: string, k: number, rank: number) => path.join(run, 'segments', String(k), `${String(rank).padStart(5, '0')}.jsonl`),
  textOutput: (run: string, rank: number, ext: string) => path.join(run, 'text', `part-${String(rank).padStart(5, '0')}.${ext}`),
  taskStats: (run: string, step: string, rank: number) => path.join(run, 'stats', step, `${String(rank).padStart(5, '0')}.json`),
  marker: (run: string, step: string, rank: number) => path.join(run, 'markers', step, `${String(rank).padStart(5, '0')}.done`),
  logs: (run: string) => path.join(run, 'logs'),
};
