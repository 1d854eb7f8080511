// `biglm prepare` starts its worker threads before it imports the pipeline and plans the run, so their own
// start-up (imports, tokenizer) overlaps the main thread's (pipeline/executor/pool.ts). It decides from what
// the command has already read; a Slurm run or a single worker just goes without the head start.

import { startPool } from '../pipeline/executor/pool.js';
import { BUILTINS } from '../tokenizer/builtin.js';

const GLOB = /[*?[\]{}]/;

export interface PrepareWorkers {
  /** --workers: the main thread and workers − 1 pool threads. */
  workers: number;
  /** --executor; only the local one has a pool. */
  executor?: string;
  /** The run's inputs (paths or globs), when they are known before planning. */
  inputs?: readonly string[];
  /** The tokenizer the run encodes with, when known before planning. */
  tokenizer?: string;
}

/** The pool threads to start and the tokenizer they load while they wait; undefined for none. */
export function earlyPoolPlan(w: PrepareWorkers): { threads: number; tokenizer?: string } | undefined {
  if (w.executor !== undefined && w.executor !== 'local') return undefined;
  let workers = w.workers;
  // a run has at most one task per input file
  if (w.inputs && w.inputs.length > 0 && !w.inputs.some((i) => GLOB.test(i))) workers = Math.min(workers, w.inputs.length);
  // the main thread is the last worker (executor/local.ts)
  if (workers <= 1) return undefined;
  // a vocabulary path may be one the run trains itself, which does not exist yet
  return { threads: workers - 1, tokenizer: w.tokenizer !== undefined && Object.hasOwn(BUILTINS, w.tokenizer) ? w.tokenizer : undefined };
}

export function startPrepareWorkers(w: PrepareWorkers): void {
  const plan = earlyPoolPlan(w);
  if (plan) startPool(plan.threads, { tokenizer: plan.tokenizer });
}

/** What a config file says about its inputs and tokenizer before it is checked: only plain values count. */
export function configPoolHints(raw: unknown): { inputs?: string[]; tokenizer?: string } {
  const cfg = (raw !== null && typeof raw === 'object' ? raw : {}) as { inputs?: unknown; tokenizer?: { name?: unknown; train?: unknown } };
  const inputs = Array.isArray(cfg.inputs) && cfg.inputs.every((i) => typeof i === 'string') ? (cfg.inputs as string[]) : undefined;
  const t = cfg.tokenizer;
  // no tokenizer key: the default encoding; a vocabulary the run trains does not exist yet
  const tokenizer = t === undefined ? 'cl100k_base' : t && !t.train && typeof t.name === 'string' ? t.name : undefined;
  return { inputs, tokenizer };
}
