// The worker pool of the local executor. Each thread imports the pipeline (~0.6 s) and loads its tokenizer
// (~0.4 s for cl100k_base) before its first task; that start-up used to sit on the critical path after the
// main thread had imported and planned. `startPool` lets `biglm prepare` start the threads first thing, so
// they warm up while the main thread imports and plans; `takePool` then hands the running pool over.

import { Piscina } from 'piscina';
import { workerUrl } from '../core/worker-url.js';
import { SharedPieceTable } from '../../tokenizer/shared-piece-table.js';

export interface PoolWarmup {
  /** Built-in tokenizer (or vocabulary path) each thread loads while it waits for its first task. */
  tokenizer?: string;
  /**
   * Tokenizer (name or vocabulary path) the run encodes with, when known: its threads share one table of
   * merged pieces (tokenizer/shared-piece-table.ts), so a piece one thread merged is not merged again by another.
   */
  shareTokenizer?: string;
}

/** What each pool thread gets as `workerData`. */
export interface PoolWorkerData {
  warmup: { tokenizer?: string };
  /** Shared piece tables by encoding name or vocabulary path. */
  pieceTables: Record<string, SharedArrayBuffer>;
}

let early: { workers: number; pool: Piscina } | undefined;

function newPool(workers: number, warm: PoolWarmup = {}): Piscina {
  const shared = warm.shareTokenizer ?? warm.tokenizer;
  const workerData: PoolWorkerData = {
    warmup: { tokenizer: warm.tokenizer },
    pieceTables: shared ? { [shared]: SharedPieceTable.allocate(shared) } : {},
  };
  return new Piscina({
    filename: workerUrl(import.meta.url, './worker.js'),
    // every thread starts now rather than when the first tasks queue behind a busy one
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 1000,
    workerData,
  });
}

/** Starts `workers` threads now, for the next `takePool(workers)` of this process. */
export function startPool(workers: number, warm: PoolWarmup = {}): void {
  if (workers <= 1 || early) return;
  early = { workers, pool: newPool(workers, warm) };
}

/**
 * The pool started early when it has at least `workers` threads (extra ones stay idle), else a new one;
 * undefined for one worker (inline).
 */
export function takePool(workers: number, warm: PoolWarmup = {}): Piscina | undefined {
  if (workers <= 1) return undefined;
  if (early) {
    const e = early;
    early = undefined;
    if (e.workers >= workers) return e.pool;
    void e.pool.destroy();
  }
  return newPool(workers, warm);
}

/** Stops a pool started early that no run took (the command failed before it ran anything). */
export async function discardEarlyPool(): Promise<void> {
  const e = early;
  early = undefined;
  await e?.pool.destroy();
}
