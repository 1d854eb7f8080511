// What differs between the config a run directory was made with and the one a rerun brings, in words: the
// refusal to resume should say what changed (most often the inputs), not only that something did.

import * as path from 'node:path';
import type { ResolvedConfig } from '../config/schema.js';

/** E.g. `inputs: 3 more file(s) (in/run1/text/part-00000.jsonl, …); tasks: 3 → 4; stages: changed`. */
export function describeConfigChange(before: ResolvedConfig, after: ResolvedConfig): string {
  const changes: string[] = [];
  const rel = (cfg: ResolvedConfig) => new Set(cfg.inputs.map((f) => (path.isAbsolute(f) ? path.relative(cfg.configDir, f) : f)));
  const was = rel(before);
  const now = rel(after);
  const added = [...now].filter((f) => !was.has(f));
  const removed = [...was].filter((f) => !now.has(f));
  if (added.length > 0) changes.push(`inputs: ${added.length} more file(s) (${sample(added)})`);
  if (removed.length > 0) changes.push(`inputs: ${removed.length} file(s) fewer (${sample(removed)})`);
  for (const key of ['tasks', 'seed'] as const) {
    if (before[key] !== after[key]) changes.push(`${key}: ${before[key]} → ${after[key]}`);
  }
  for (const key of ['reader', 'stages', 'tokenizer', 'output'] as const) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes.push(`${key}: changed`);
  }
  return changes.length > 0 ? changes.join('; ') : 'the input folder moved';
}

function sample(files: string[]): string {
  return files.slice(0, 3).join(', ') + (files.length > 3 ? ', …' : '');
}
