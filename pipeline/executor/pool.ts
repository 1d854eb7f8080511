// The worker pool of the local executor. Each thread imports the pipeline (~0.6 s) and loads its tokenizer
// (~0.4 s for cl100k_base) before its first task; that start-up used to sit on the critical path after the
// main thread had imported and planned. `startPool` lets `biglm prepare` start the threads first thing, so
// they warm up while the main thread imports and plans; `takePool` then hands the running pool over.

import { Piscina } from 'piscina';
import { workerUrl } from '../core/worker-url.js';

export interface PoolWarmup {
  /** Built-in tokenizer (or vocabulary path) each thread loads while it waits for its first task. */
  tokenizer?: string;
}

let early: { workers: number; pool: Piscina } | undefined;

function newPool(workers: number, warm: PoolWarmup = {}): Piscina {
  return new Piscina({
    filename: workerUrl(import.meta.url, './worker.js'),
    // every thread starts now rather than when the first tasks queue behind a busy one
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 1000,
    workerData: { warmup: warm },
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
export function takePool(workers: number): Piscina | undefined {
  if (workers <= 1) return undefined;
  if (early) {
    const e = early;
    early = undefined;
    if (e.workers >= workers) return e.pool;
    void e.pool.destroy();
  }
  return newPool(workers);
}

/** Stops a pool started early that no run took (the command failed before it ran anything). */
export async function discardEarlyPool(): Promise<void> {
  const e = early;
  early = undefined;
  await e?.pool.destroy();
}
