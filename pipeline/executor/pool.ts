// The worker pool of the local executor: N workers are the main thread and N − 1 pool threads. Each thread
// imports the pipeline (~0.5 s) and loads its tokenizer (~0.25 s for cl100k_base) before its first task; started
// after the main thread had imported and planned, that start-up would be on the critical path. `startPool` lets
// `biglm prepare` start the threads first thing, so they warm up while the main thread imports and plans;
// `takePool` then hands the running pool over.

import { Piscina } from 'piscina';
import { workerUrl } from '../../lib/worker-url.js';
import { SharedPieceTable } from '../../tokenizer/shared-piece-table.js';
import { sharePieceTable } from '../../tokenizer/index.js';

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

let early: { threads: number; pool: Piscina } | undefined;

function newPool(threads: number, warm: PoolWarmup = {}): Piscina {
  const shared = warm.shareTokenizer ?? warm.tokenizer;
  const workerData: PoolWorkerData = { warmup: { tokenizer: warm.tokenizer }, pieceTables: {} };
  if (shared) {
    const table = SharedPieceTable.allocate(shared);
    workerData.pieceTables[shared] = table;
    sharePieceTable(shared, table); // the main thread works too
  }
  return new Piscina({
    filename: workerUrl(import.meta.url, './worker.js'),
    // every thread starts now rather than when the first tasks queue behind a busy one
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 1000,
    workerData,
  });
}

/** Starts `threads` threads now, for the next `takePool` of this process (none for fewer than one). */
export function startPool(threads: number, warm: PoolWarmup = {}): void {
  if (threads < 1 || early) return;
  early = { threads, pool: newPool(threads, warm) };
}

/**
 * The pool started early when it has at least `threads` threads (extra ones take tasks too), else a new one;
 * undefined for no threads (the main thread works alone).
 */
export function takePool(threads: number, warm: PoolWarmup = {}): Piscina | undefined {
  if (threads < 1) return undefined;
  if (early) {
    const e = early;
    early = undefined;
    if (e.threads >= threads) return e.pool;
    void e.pool.destroy();
  }
  return newPool(threads, warm);
}

/** Stops a pool started early that no run took (the command failed before it ran anything). */
export async function discardEarlyPool(): Promise<void> {
  const e = early;
  early = undefined;
  await e?.pool.destroy();
}
